/**
 * Builds the narrow context a plugin runtime gets from its plan instance: names, logging, counters,
 * lookups and its entries in file order, never the instance or the plan themselves.
 */
import type { Plan, PlanInstance } from '../config/plan/types.js';
import type { Logger } from './logger.js';
import type { Counters } from './metrics.js';
import type { PluginContext, PluginHost } from './plugin.js';

/** What the engine (or a test running a plugin alone) lends one instance. */
export interface ContextParts {
  readonly log: Logger;
  readonly counters: Counters;
  readonly host: PluginHost;
}

export function pluginContext(instance: PlanInstance, plan: Plan, parts: ContextParts): PluginContext {
  return {
    id: instance.id,
    displayName: instance.displayName,
    log: parts.log,
    counters: parts.counters,
    host: parts.host,
    parsers: plan,
    service: plan.service,
    configDir: plan.configDir,
    entries: instance.entries,
    isSet: (key) => instance.setKeys.has(key),
  };
}

/** The tag of an input's records: its `Tag`, else its instance name (Fluent Bit's default). */
export function inputTag(instance: PlanInstance<'input'>): string {
  return instance.options.tag ?? instance.id;
}
