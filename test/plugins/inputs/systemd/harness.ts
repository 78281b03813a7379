/**
 * Real journal files for the systemd input: entries are written in the journal export format and
 * turned into a .journal file by systemd-journal-remote (Debian's systemd-journal-remote package;
 * .ci/run installs it), then read by the input through the real journalctl. Without both tools
 * the suites are skipped with a message saying what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { LogEvent } from '../../../../src/record/event.js';
import { capture, planFrom, type Captured } from '../../../support/pipeline.js';

const REMOTE_CANDIDATES = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'];

export const JOURNAL_REMOTE = REMOTE_CANDIDATES.find((p) => existsSync(p));
const hasJournalctl = spawnSync('journalctl', ['--version'], { stdio: 'ignore' }).status === 0;
/** Where journalctl is on PATH (for wrappers that run it). */
export const JOURNALCTL_PATH = hasJournalctl ? spawnSync('sh', ['-c', 'command -v journalctl'], { encoding: 'utf8' }).stdout.trim() : '';

/** Why the journal tests cannot run here, or undefined when they can. */
export const SKIP_REASON: string | undefined =
  !hasJournalctl
    ? 'systemd input tests skipped: journalctl is not installed (apt-get install systemd-journal-remote)'
    : JOURNAL_REMOTE === undefined
      ? 'systemd input tests skipped: systemd-journal-remote is not installed (apt-get install systemd-journal-remote)'
      : undefined;
if (SKIP_REASON !== undefined) console.warn(SKIP_REASON);

/** A field value: text, bytes (binary or with newlines), or several values of the field. */
export type FieldValue = string | Buffer | readonly (string | Buffer)[];
export type Entry = Record<string, FieldValue>;

const BOOT_ID = '0123456789abcdef0123456789abcdef';
/** Realtime of the first entry written by a session (microseconds); each entry is 1 s later. */
export const T0_USEC = 1_700_000_000_000_000n;

function exportField(key: string, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (typeof value === 'string' && !value.includes('\n')) return Buffer.from(`${key}=${value}\n`, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([Buffer.from(`${key}\n`), len, bytes, Buffer.from('\n')]);
}

/** The journal export format of entries (https://systemd.io/JOURNAL_EXPORT_FORMATS/). */
export function exportFormat(entries: readonly Entry[], firstUsec: bigint): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, i) => {
    const usec = firstUsec + BigInt(i) * 1_000_000n;
    parts.push(Buffer.from(`__REALTIME_TIMESTAMP=${usec}\n__MONOTONIC_TIMESTAMP=${usec - T0_USEC + 1n}\n`));
    if (!('_BOOT_ID' in entry)) parts.push(Buffer.from(`_BOOT_ID=${BOOT_ID}\n`));
    for (const [key, value] of Object.entries(entry)) {
      if (Array.isArray(value)) for (const v of value as (string | Buffer)[]) parts.push(exportField(key, v));
      else parts.push(exportField(key, value as string | Buffer));
    }
    parts.push(Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

export interface JournalDir {
  readonly dir: string;
  path(name: string): string;
  /** Appends entries to the journal file (created on first use), 1 s apart after the previous ones (or from `firstUsec`). */
  write(entries: readonly Entry[], firstUsec?: bigint): void;
  /** How many entries were written so far. */
  readonly written: number;
}

export function journalDir(root: string): JournalDir {
  const dir = join(root, 'journal');
  mkdirSync(dir, { recursive: true });
  let written = 0;
  return {
    dir,
    path: (name) => join(root, name),
    write(entries, firstUsec) {
      const input = exportFormat(entries, firstUsec ?? T0_USEC + BigInt(written) * 1_000_000n);
      const r = spawnSync(JOURNAL_REMOTE!, [`--output=${join(dir, 'test.journal')}`, '-'], { input });
      if (r.status !== 0) throw new Error(`systemd-journal-remote failed (${r.status}): ${r.stderr.toString()}`);
      const out = r.stderr.toString();
      const m = /writing (\d+) entries/.exec(out);
      if (!m || Number(m[1]) !== entries.length) throw new Error(`systemd-journal-remote wrote other than ${entries.length} entries: ${out}`);
      written += entries.length;
    },
    get written() {
      return written;
    },
  };
}

/** Polls `cond` every 10 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 5\n    Log_Level debug\n\n';

export interface SystemdRun extends Captured {
  events(): (LogEvent & { tag: string })[];
  messages(): unknown[];
  logged(text: string): number;
  counter(name: string): number;
  stop(): Promise<void>;
}

const lines = (e: Record<string, string | readonly string[]>) =>
  Object.entries(e)
    .flatMap(([k, v]) => (typeof v === 'string' ? [v] : v).map((x) => `    ${k} ${x}\n`))
    .join('');

export function systemdConfig(entries: Record<string, string | readonly string[]>, extra = '', output: Record<string, string> = {}): string {
  return `${SERVICE}[INPUT]\n    Name systemd\n${lines(entries)}\n${extra}[OUTPUT]\n    Name lib\n    Match *\n${lines(output)}\n`;
}

export async function startSystemd(config: string, receiver?: (events: number) => void | Promise<void>): Promise<SystemdRun> {
  const run = capture(planFrom(config), receiver ? { receiver: (_: string, batch: { events: unknown[] }) => receiver(batch.events.length) } : {});
  await run.pipeline.start();
  const events = () => [...run.received.values()].flatMap((batches) => batches.flatMap((b) => b.events.map((e) => ({ ...e, tag: b.tag }))));
  return {
    ...run,
    events,
    messages: () => run.records().map((r) => r['MESSAGE'] ?? r['message']),
    logged: (text) => run.logs.filter((l) => l.includes(text)).length,
    counter: (name) => run.pipeline.metrics().input['systemd.0']?.counters[name] ?? 0,
    stop: () => run.pipeline.stop(),
  };
}

export interface SystemdSession {
  journal(): JournalDir;
  path(name: string): string;
  /** Starts a pipeline with a systemd input reading this test's journal directory; stopped after the test. */
  start(entries: Record<string, string | readonly string[]>, options?: { extra?: string; output?: Record<string, string>; receiver?: (events: number) => void | Promise<void> }): Promise<SystemdRun>;
}

/** A fresh temporary directory with a journal folder per test; runs are stopped and the directory removed after it. */
export function systemdSession(): SystemdSession {
  let root: string | undefined;
  let journal: JournalDir | undefined;
  let runs: SystemdRun[] = [];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'systemd-'));
    journal = undefined;
    runs = [];
  });
  afterEach(async () => {
    for (const r of runs) await r.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const session: SystemdSession = {
    journal() {
      journal ??= journalDir(root!);
      return journal;
    },
    path: (name) => join(root!, name),
    async start(entries, options = {}) {
      const run = await startSystemd(systemdConfig({ Path: session.journal().dir, ...entries }, options.extra, options.output), options.receiver);
      runs.push(run);
      return run;
    },
  };
  return session;
}

/** Pids of running journalctl processes whose command line mentions `text` (this test's directory). */
export function journalctlPids(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const argv = cmd.split('\0');
    if (argv[0] !== undefined && argv[0].endsWith('journalctl') && argv.some((a) => a.includes(text))) pids.push(Number(name));
  }
  return pids;
}
