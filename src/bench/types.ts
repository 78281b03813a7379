/** What a benchmark scenario is given and what it prints. */

/** One JSON line: `{bench, lines_per_s, mb_per_s, cpu_s, rss_peak_mb, ...}`. */
export interface BenchResult {
  bench: string;
  lines_per_s: number;
  mb_per_s: number;
  cpu_s: number;
  rss_peak_mb: number;
  [extra: string]: unknown;
}

/** A pipeline scenario run by logferry and by Fluent Bit on the same config and input. */
export interface ComparedResult {
  bench: string;
  logferry: BenchResult;
  fluent_bit: BenchResult;
  /** logferry lines/s ÷ Fluent Bit lines/s. */
  ratio: number;
}

export interface BenchContext {
  /** Lines (or records) to generate; `undefined` = the scenario's own default. */
  readonly lines: number | undefined;
  /** Environment (BENCH_* knobs, CI). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Repository root (fixtures, bin/). */
  readonly root: string;
  /** The command that starts logferry (`node bin/logferry.js`, or the TypeScript entry under tsx). */
  readonly logferry: readonly string[];
  /** Variables logferry runs with on top of `env` (node-settings.ts: the image's Node settings, by default). */
  readonly logferryEnv: Readonly<Record<string, string>>;
  /** A Fluent Bit binary to run the pipeline scenarios with too. */
  readonly compare: string | undefined;
  /** Reports progress of the current scenario, 0 to 1. */
  progress(fraction: number): void;
}

export interface Scenario {
  readonly name: string;
  /** One line for `logferry bench --help`. */
  readonly doc: string;
  /** `pipeline`: runs the agent as a child process on a Fluent Bit config (`--compare` applies). */
  readonly kind: 'in-process' | 'pipeline';
  run(ctx: BenchContext): Promise<BenchResult | ComparedResult>;
}

export function isCompared(r: BenchResult | ComparedResult): r is ComparedResult {
  return typeof (r as ComparedResult).logferry === 'object' && (r as ComparedResult).logferry !== null;
}
