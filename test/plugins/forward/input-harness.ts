/** Runs the forward input alone from config keys, recording what it emits, counts and logs. */
import { createLogger } from '../../../src/engine/logger.js';
import { Counters } from '../../../src/engine/metrics.js';
import type { LogEvent } from '../../../src/record/event.js';
import type { PlanInstance } from '../../../src/config/plan/types.js';
import { inputTag, pluginContext } from '../../../src/engine/plugin-context.js';
import { ForwardInput } from '../../../src/plugins/inputs/forward/forward-input.js';
import type { ForwardInputOptions } from '../../../src/plugins/inputs/forward/options.js';
import { planFrom } from '../../support/pipeline.js';

export interface RunningInput {
  readonly input: ForwardInput;
  readonly where: { port: number } | { path: string };
  readonly emitted: { tag: string; events: LogEvent[] }[];
  readonly counters: Counters;
  readonly logs: string[];
  /** Records emitted so far as [tag, seconds.nanoseconds, record]. */
  records(): [string, string, unknown][];
  /** Resolves once `n` records were emitted (the test's own timeout bounds it). */
  waitFor(n: number): Promise<void>;
  /** Resolves once the `errors` counter reaches `n`. */
  waitForErrors(n: number): Promise<void>;
}

const until = async (ok: () => boolean): Promise<void> => {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
};

/** `onEmit` runs after each emit (e.g. to pause the input as Mem_Buf_Limit would). */
export async function startInput(keys: Record<string, string> = {}, onEmit?: (input: ForwardInput) => void): Promise<RunningInput> {
  const lines = Object.entries({ listen: '127.0.0.1', port: '0', ...keys }).map(([k, v]) => `    ${k} ${v}\n`);
  const plan = planFrom(`[INPUT]\n    Name forward\n${lines.join('')}\n[OUTPUT]\n    Name null\n    Match *\n`);
  const instance = plan.inputs[0] as PlanInstance<'input'>;
  const counters = new Counters();
  const logs: string[] = [];
  const emitted: { tag: string; events: LogEvent[] }[] = [];
  const ctx = {
    ...pluginContext(instance, plan, {
      log: createLogger('debug', (l) => logs.push(l), instance.displayName),
      counters,
      host: { stdout: process.stdout, attachLibInput: () => undefined, deliverLib: () => undefined },
    }),
    tag: inputTag(instance),
    emit: (tag: string, events: LogEvent[]) => {
      emitted.push({ tag, events: [...events] });
      onEmit?.(input);
    },
    done: () => undefined,
  };
  const input = new ForwardInput(instance.options as ForwardInputOptions, ctx);
  await input.start();
  const count = () => emitted.reduce((n, b) => n + b.events.length, 0);
  return {
    input,
    where: input.address()!,
    emitted,
    counters,
    logs,
    records: () => emitted.flatMap((b) => b.events.map((e) => [b.tag, `${e.time / 1_000_000_000n}.${String(e.time % 1_000_000_000n).padStart(9, '0')}`, e.record] as [string, string, unknown])),
    waitFor: (n) => until(() => count() >= n),
    waitForErrors: (n) => until(() => counters.get('errors') >= n),
  };
}
