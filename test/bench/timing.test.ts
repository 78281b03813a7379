import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentResult, exitNote, runProblem } from '../../src/bench/agent.js';
import type { AgentRun } from '../../src/bench/agent-run.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { bench, expectResult, SMALL_ENV } from './support.js';

const run = (o: Partial<AgentRun>): AgentRun => ({
  code: 0,
  signal: null,
  caughtSignal: undefined,
  drainedS: undefined,
  seconds: 4,
  outputDoneS: undefined,
  cpu_s: 1,
  rss_peak_mb: 30,
  rss_mb: 25,
  rss_anon_mb: 10,
  input_records: 0,
  output_records: 0,
  polls: 0,
  polled_rate: undefined,
  steady_cores: undefined,
  stderr: '',
  ...o,
});

const input = { lines: 1_000_000, bytes: 137_000_000, records: 900_000 };

describe('pipeline timing', () => {
  it('times until /api/v1/metrics showed every record out when it did, and keeps the lifetime as seconds_total', () => {
    const r = agentResult('tail-null', 'fluent-bit', run({ seconds: 4, outputDoneS: 2.5 }), input, 0.5, {});
    expect(r).toMatchObject({ seconds: 2.5, seconds_total: 4, timing: 'metrics', lines_per_s: 400_000, mb_per_s: 54.8, cpu_s: 1 });
    expect(r['output_records_seen']).toBeUndefined();
  });

  it("else the agent's log line saying its engine stopped with nothing pending, whichever came first", () => {
    const byLog = agentResult('tail-null', 'logferry', run({ seconds: 2.06, drainedS: 2, output_records: 700_000 }), input, 0.5, {});
    expect(byLog).toMatchObject({ seconds: 2, seconds_total: 2.06, timing: 'log', lines_per_s: 500_000, output_records_seen: 700_000 });
    const logFirst = agentResult('tail-null', 'fluent-bit', run({ seconds: 3, outputDoneS: 2.9, drainedS: 2.5 }), input, 0.5, {});
    expect(logFirst).toMatchObject({ seconds: 2.5, timing: 'log' });
    expect(logFirst['output_records_seen']).toBeUndefined();
  });

  it('falls back to the lifetime, and says so, when neither was seen', () => {
    const r = agentResult('tail-null', 'logferry', run({ seconds: 2, output_records: 700_000 }), input, 0.5, {});
    expect(r).toMatchObject({ seconds: 2, seconds_total: 2, timing: 'lifetime', lines_per_s: 500_000, output_records_seen: 700_000 });
  });

  it('a compared binary may die by a signal after its output processed every record, never before; logferry must exit 0', () => {
    const crashed = { code: null, signal: 'SIGABRT' as const, caughtSignal: 'SIGSEGV' };
    const after = run({ ...crashed, outputDoneS: 3 });
    expect(runProblem('fluent-bit', after, input.records)).toBeUndefined();
    expect(exitNote(after, input.records)).toBe('SIGSEGV after all records were processed');
    // Fluent Bit publishes its counts once a second: its log saying the engine stopped with nothing pending also shows it.
    const drained = run({ ...crashed, drainedS: 3, output_records: 800_000 });
    expect(runProblem('fluent-bit', drained, input.records)).toBeUndefined();
    expect(exitNote(drained, input.records)).toBe('SIGSEGV after all records were processed (its log: engine stopped with 0 pending tasks; /api/v1/metrics last showed 800000 of 900000)');
    const before = run({ ...crashed, output_records: 450_000 });
    expect(runProblem('fluent-bit', before, input.records)).toBe('died by SIGSEGV (its output had processed 450000 of 900000 records as far as /api/v1/metrics showed)');
    expect(runProblem('logferry', after, input.records)).toBe('died by SIGSEGV');
    expect(runProblem('fluent-bit', run({ code: 1 }), input.records)).toBe('exited with 1');
    expect(exitNote(run({}), input.records)).toBeUndefined();
  });
});

describe('--compare with a binary serving /api/v1/metrics (fake Fluent Bit)', () => {
  const tmp = useTempDir('logferry-bench-timing-');
  const fake = (name: string) => {
    const path = join(tmp.path, name);
    copyFileSync(join(import.meta.dirname, 'fixtures/fake-fluent-bit.mjs'), path);
    chmodSync(path, 0o755);
    return path;
  };

  it('its lines/s run until its output had processed every record, not until it exited', async () => {
    const [r] = await bench(['tail-null', '--lines', '1000', '--compare', fake('fluent-bit-metrics')]);
    const fb = r!['fluent_bit'] as Record<string, unknown>;
    expectResult(fb, 'tail-null');
    expect(fb['timing']).toBe('metrics');
    // Processed at 300 ms, exited at 1.3 s (after the runtime's start).
    expect(fb['seconds_total'] as number).toBeGreaterThan((fb['seconds'] as number) + 0.7);
    expect((fb['lines_per_s'] as number) / (1000 / (fb['seconds'] as number))).toBeCloseTo(1, 2);
    const lf = r!['logferry'] as Record<string, unknown>;
    // logferry logs `stopped` once it delivered everything (its last count is rarely polled in time).
    expect(['metrics', 'log']).toContain(lf['timing']);
    expect(lf['seconds_total'] as number).toBeGreaterThanOrEqual(lf['seconds'] as number);
    expect(r!['ratio']).toBeCloseTo((lf['lines_per_s'] as number) / (fb['lines_per_s'] as number), 1);
  }, 60_000);

  it('keeps the figures of a binary that died by a signal after processing every record, with the signal in `exit`', async () => {
    const [r] = await bench(['tail-null', '--lines', '1000', '--compare', fake('fluent-bit-segv')]);
    const fb = r!['fluent_bit'] as Record<string, unknown>;
    expectResult(fb, 'tail-null');
    expect(fb['exit']).toBe('SIGSEGV after all records were processed');
    expect(fb['timing']).toBe('metrics');
    expect((r!['logferry'] as Record<string, unknown>)['exit']).toBeUndefined();
  }, 60_000);

  it('fails when the binary died before its output processed every record', async () => {
    const r = await runCli(['bench', 'tail-null', '--lines', '1000', '--compare', fake('fluent-bit-segv-early'), '--json'], SMALL_ENV);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('fluent-bit died by SIGSEGV (its output had processed 500 of 1000 records');
  }, 60_000);
});
