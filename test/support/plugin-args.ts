/**
 * Runs a plugin runtime outside the engine: the typed options and the context the engine would
 * give the instance of `definition` in `plan`.
 */
import type { Plan, PlanInstance } from '../../src/config/plan/types.js';
import { createLogger } from '../../src/engine/logger.js';
import { Counters } from '../../src/engine/metrics.js';
import { pluginContext, type ContextParts } from '../../src/engine/plugin-context.js';
import type { PluginContext } from '../../src/engine/plugin.js';
import type { PluginDefinition, PluginOptions } from '../../src/options/define.js';

export function pluginArgs<D extends PluginDefinition>(
  definition: D,
  instance: PlanInstance | undefined,
  plan: Plan,
  parts: Partial<ContextParts> = {},
): { options: PluginOptions<D>; ctx: PluginContext } {
  if (instance?.definition !== definition) throw new Error(`the instance is not a ${definition.kind} ${definition.name}`);
  const ctx = pluginContext(instance, plan, {
    log: parts.log ?? createLogger('off'),
    counters: parts.counters ?? new Counters(),
    host: parts.host ?? { stdout: process.stdout, attachLibInput: () => undefined, deliverLib: () => undefined },
  });
  // The plan parsed and defaulted these options with this definition's table (checked above).
  return { options: instance.options as unknown as PluginOptions<D>, ctx };
}
