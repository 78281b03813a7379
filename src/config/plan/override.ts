import type { PlanInstance } from './types.js';

/**
 * A copy of an instance with some typed option values replaced (the plan is never mutated). Used
 * by `logferry test` and the demo to point a configuration at temporary files and local servers.
 */
export function withOptions<K extends 'input' | 'filter' | 'output'>(instance: PlanInstance<K>, options: Record<string, unknown>, displayName = instance.displayName): PlanInstance<K> {
  return { ...instance, displayName, options: { ...instance.options, ...options } as PlanInstance<K>['options'] };
}
