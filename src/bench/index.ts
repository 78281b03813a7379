/** The benchmark scenarios of `logferry bench`, in the order `all` runs them. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PIPELINE_SCENARIOS } from './agent.js';
import { IN_PROCESS_SCENARIOS } from './in-process.js';
import { memoryScenario } from './memory.js';
import { SUSTAINED_SCENARIOS } from './sustained.js';
import type { Scenario } from './types.js';

export type { BenchContext, BenchResult, ComparedResult, Scenario } from './types.js';
export { isCompared } from './types.js';

export const SCENARIOS: readonly Scenario[] = [...IN_PROCESS_SCENARIOS, ...PIPELINE_SCENARIOS, memoryScenario, ...SUSTAINED_SCENARIOS];

export function scenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** The repository (or package) root: fixtures and bin/ are found from here. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The command that starts logferry: the built CLI, or (when this module runs from source, as in
 * the tests) the TypeScript entry under tsx.
 */
export function logferryCommand(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const bin = fileURLToPath(new URL('../../bin/logferry.js', import.meta.url));
  if (fromSource || !existsSync(bin)) return [process.execPath, '--import', 'tsx', fileURLToPath(new URL('../cli/entry.ts', import.meta.url))];
  return [process.execPath, bin];
}
