import { expect } from 'vitest';
import { runCli } from '../support/cli.js';

/** Small sizes so every scenario runs in well under a second of work (figures are not asserted). */
export const SMALL_ENV: Readonly<Record<string, string>> = {
  HOSTNAME: 'bench-test',
  BENCH_VALIDATE_MS: '50',
  BENCH_CLI_RUNS: '1',
  BENCH_SECTIONS: '40',
  BENCH_RSS_SECONDS: '3',
  BENCH_RSS_RATES: '1000',
};

export const REQUIRED = ['bench', 'lines_per_s', 'mb_per_s', 'cpu_s', 'rss_peak_mb'] as const;

/** Checks one result object: the required keys with finite, non-negative numbers. */
export function expectResult(r: Record<string, unknown>, bench: string): void {
  expect(r['bench']).toBe(bench);
  for (const k of REQUIRED.slice(1)) {
    expect(typeof r[k], `${bench}.${k}`).toBe('number');
    expect(Number.isFinite(r[k]) && (r[k] as number) >= 0, `${bench}.${k} = ${String(r[k])}`).toBe(true);
  }
}

/** Runs `logferry bench <args> --json` in-process; returns the parsed JSON lines. */
export async function bench(args: string[], env: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const run = await runCli(['bench', ...args, '--json'], { ...SMALL_ENV, ...env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.trim().split('\n');
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}
