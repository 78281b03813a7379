/**
 * Runs tail through the real Pipeline with a `lib` output capturing records, on files in a
 * temporary directory. Tests wait for conditions by polling (`waitFor`), never fixed sleeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { LogEvent } from '../../../../src/record/event.js';
import { capture, planFrom, type Captured } from '../../../support/pipeline.js';

export const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 5\n    Log_Level debug\n\n';

/** A temporary directory, removed by `cleanup`. */
export function tempDir(prefix = 'tail-'): { dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `cond` every 10 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface TailRun extends Captured {
  /** Every event received, in order, with its tag. */
  events(): (LogEvent & { tag: string })[];
  /** The `log` (or given key) values received, in order. */
  lines(key?: string): unknown[];
  /** How many of the agent's log lines contain `text`. */
  logged(text: string): number;
  counter(name: string): number;
  stop(): Promise<void>;
}

/** A tail input with the given entries (Path etc.), one lib output matching everything (with `output` entries). */
export function tailConfig(entries: Record<string, string>, extra = '', output: Record<string, string> = {}): string {
  const lines = (e: Record<string, string>) => Object.entries(e).map(([k, v]) => `    ${k} ${v}\n`).join('');
  return `${SERVICE}[INPUT]\n    Name tail\n${lines(entries)}\n[OUTPUT]\n    Name lib\n    Match *\n${lines(output)}\n${extra}`;
}

export interface StartOptions {
  onDone?: () => void;
  /** Called with each batch the lib output gets, before it counts as delivered (a rejection retries it). */
  receiver?: (events: number) => void | Promise<void>;
}

export async function startTail(config: string, options: StartOptions = {}): Promise<TailRun> {
  const { onDone, receiver } = options;
  const run = capture(planFrom(config), {
    ...(onDone ? { onDone } : {}),
    ...(receiver ? { receiver: (_: string, batch: { events: unknown[] }) => receiver(batch.events.length) } : {}),
  });
  await run.pipeline.start();
  const events = () => [...run.received.values()].flatMap((batches) => batches.flatMap((b) => b.events.map((e) => ({ ...e, tag: b.tag }))));
  return {
    ...run,
    events,
    lines: (key = 'log') => run.records().map((r) => r[key]),
    logged: (text) => run.logs.filter((l) => l.includes(text)).length,
    counter: (name) => run.pipeline.metrics().input['tail.0']?.counters[name] ?? 0,
    stop: () => run.pipeline.stop(),
  };
}

export interface SessionStartOptions extends StartOptions {
  /** Extra [SERVICE] lines (e.g. `    Parsers_File ...\n`). */
  service?: string;
  /** Entries of the lib output. */
  output?: Record<string, string>;
  /** Sections added after the output (filters). */
  sections?: string;
}

export interface TailSession {
  /** A path in this test's temporary directory. */
  path(name: string): string;
  /** Starts tail on `defaults` + `entries` (Refresh_Interval and Rotate_Wait 1 s); stopped after the test. */
  tail(entries: Record<string, string>, options?: SessionStartOptions): Promise<TailRun>;
}

/** Gives each test of the file a fresh temporary directory; stops its runs and removes the directory after it. */
export function tailSession(defaults: Record<string, string> = {}): TailSession {
  let dir: ReturnType<typeof tempDir> | undefined;
  let runs: TailRun[] = [];
  beforeEach(() => {
    dir = tempDir();
    runs = [];
  });
  afterEach(async () => {
    for (const r of runs) await r.stop();
    dir?.cleanup();
  });
  return {
    path: (name) => dir!.path(name),
    async tail(entries, options = {}) {
      let config = tailConfig({ Refresh_Interval: '1', Rotate_Wait: '1', ...defaults, ...entries }, options.sections, options.output);
      if (options.service) config = config.replace('[SERVICE]\n', `[SERVICE]\n${options.service}`);
      const run = await startTail(config, options);
      runs.push(run);
      return run;
    },
  };
}
