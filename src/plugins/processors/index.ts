/**
 * Fluent Bit's native processors logferry runs (`plugins/processor_*`): YAML `processors` only,
 * never a pipeline filter. Each is a filter-shaped definition (one options table, a runtime that
 * transforms a batch); the processor core (engine/processors.ts) applies its `condition`.
 */
import type { PluginDefinition } from '../../options/define.js';
import contentModifier from './content_modifier/index.js';
import sql from './sql/index.js';

export const PROCESSORS: readonly PluginDefinition<'filter'>[] = [contentModifier, sql];

export const PROCESSOR_NAMES: readonly string[] = PROCESSORS.map((p) => p.name);

export function findProcessor(name: string): PluginDefinition<'filter'> | undefined {
  return PROCESSORS.find((p) => p.name === name.toLowerCase());
}

/** True for a native processor, false for a filter used as a processor. */
export function isNativeProcessor(definition: PluginDefinition): boolean {
  return (PROCESSORS as readonly PluginDefinition[]).includes(definition);
}
