/**
 * Runs the cpu and mem inputs outside the engine against a directory laid out like /proc, with a
 * fake clock: each test writes the files, moves time on and reads what the input emitted.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { PlanInstance } from '../../../../src/config/plan/types.js';
import type { LogEvent } from '../../../../src/record/event.js';
import { createLogger } from '../../../../src/engine/logger.js';
import { Counters } from '../../../../src/engine/metrics.js';
import type { InputContext } from '../../../../src/engine/plugin.js';
import type { PluginDefinition, PluginOptions } from '../../../../src/options/define.js';
import { pluginArgs } from '../../../support/plugin-args.js';
import { planFrom } from '../../../support/pipeline.js';
import { useTempDir, type TempDir } from '../../../support/temp-dir.js';

/** A fresh directory laid out like /proc per test (`path`, `write`), and fake timers, restored after the test. */
export function useFakeProc(): TempDir {
  const dir = useTempDir('logferry-proc-');
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_500 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return dir;
}

/** The monotonic clock the inputs' timers read, following the fake Date. */
export const fakeClock = (): bigint => BigInt(Date.now()) * 1_000_000n;

export interface InputHarness<O = unknown> {
  readonly ctx: InputContext;
  /** The instance's options, typed by the plugin's table. */
  readonly options: O;
  readonly emitted: { tag: string; events: LogEvent[] }[];
  readonly records: () => Record<string, unknown>[];
  readonly logs: string[];
  readonly counters: Counters;
}

/** An InputContext for the first [INPUT] of `inputSection` (a config fragment), capturing emits and logs. */
export function inputContext<D extends PluginDefinition<'input'>>(inputSection: string, definition: D): InputHarness<PluginOptions<D>> {
  const plan = planFrom(`${inputSection}\n[OUTPUT]\n    Name null\n    Match *\n`);
  const instance = plan.inputs[0] as PlanInstance<'input'>;
  const emitted: { tag: string; events: LogEvent[] }[] = [];
  const logs: string[] = [];
  const counters = new Counters();
  const args = pluginArgs(definition, instance, plan, { log: createLogger('debug', (l) => logs.push(l), instance.displayName), counters });
  const ctx: InputContext = {
    ...args.ctx,
    tag: instance.options.tag ?? instance.id,
    emit: (tag, events) => emitted.push({ tag, events }),
    done() {},
  };
  return { ctx, options: args.options, emitted, logs, counters, records: () => emitted.flatMap((e) => e.events.map((x) => x.record)) };
}

/** /proc/stat text: the total line, then one line per CPU (user nice system idle iowait, then zeros). */
export function procStat(total: readonly number[], cpus: readonly (readonly number[])[]): string {
  const line = (name: string, v: readonly number[]) => `${name} ${v.join(' ')} 0 0 0 0 0\n`;
  return `cpu  ${total.join(' ')} 0 0 0 0 0\n${cpus.map((v, i) => line(`cpu${i}`, v)).join('')}intr 1234 0 0 0 0 0\nctxt 99\nbtime 1700000000\n`;
}
