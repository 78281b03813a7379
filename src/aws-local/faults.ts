/**
 * Fault injection for the local AWS endpoint: which data calls fail, and how, decided by a small
 * seeded PRNG so a test with a `seed` sees the same failures on every run.
 */

/** Probabilities (0..1) of each fault per data call, and a fixed delay before each data call. */
export interface FaultSpec {
  /** ThrottlingException (CloudWatch Logs) / ServiceUnavailableException (Firehose) / ProvisionedThroughputExceededException (Kinesis). */
  throttle?: number;
  /** HTTP 500 InternalFailure or 503 ServiceUnavailable. */
  serverError?: number;
  /** PutRecordBatch / PutRecords: the probability of each record failing (ServiceUnavailableException / ProvisionedThroughputExceededException). */
  partial?: number;
  /** Milliseconds to wait before answering a data call. */
  latencyMs?: number;
}

const KEYS: Record<string, keyof FaultSpec> = {
  throttle: 'throttle',
  'server-error': 'serverError',
  partial: 'partial',
  'latency-ms': 'latencyMs',
};

/** Parses `throttle=0.3,server-error=0.1,partial=0.2,latency-ms=50`; throws an Error saying what is wrong. */
export function parseFaults(text: string): FaultSpec {
  const spec: FaultSpec = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`fault '${item}' needs the form name=value (e.g. throttle=0.3)`);
    const name = item.slice(0, eq).trim();
    const key = KEYS[name];
    if (!key) throw new Error(`unknown fault '${name}' (known: ${Object.keys(KEYS).join(', ')})`);
    const raw = item.slice(eq + 1).trim();
    const value = raw === '' ? Number.NaN : Number(raw);
    spec[key] = value;
  }
  return checkFaults(spec);
}

/** Checks the ranges of a spec (probabilities 0..1, latency a non-negative number); returns it. */
export function checkFaults(spec: FaultSpec): FaultSpec {
  for (const [name, key] of Object.entries(KEYS)) {
    const value = spec[key];
    if (value === undefined) continue;
    const ok = key === 'latencyMs' ? Number.isFinite(value) && value >= 0 : Number.isFinite(value) && value >= 0 && value <= 1;
    if (!ok) throw new Error(`fault ${name} must be ${key === 'latencyMs' ? 'a number of milliseconds >= 0' : 'a probability between 0 and 1'}, got ${String(value)}`);
  }
  return { ...spec };
}

/** mulberry32: a tiny 32-bit PRNG, good enough to pick faults reproducibly. Returns numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What happens to one data call. */
export type CallFault = { kind: 'none' } | { kind: 'throttle' } | { kind: 'server-error'; status: 500 | 503 };

/** Draws faults for data calls from one seeded stream. */
export class FaultDecider {
  private spec: FaultSpec;
  private random: () => number;

  constructor(
    spec: FaultSpec,
    private readonly seed: number | undefined,
  ) {
    this.spec = checkFaults(spec);
    this.random = prng(seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** Replaces the spec; with a seed the random stream restarts, so outcomes depend only on the calls that follow. */
  set(spec: FaultSpec): void {
    this.spec = checkFaults(spec);
    if (this.seed !== undefined) this.random = prng(this.seed);
  }

  get latencyMs(): number {
    return this.spec.latencyMs ?? 0;
  }

  /** The fault of one data call: two draws (throttle, then server error) when those faults are on. */
  call(): CallFault {
    const { throttle = 0, serverError = 0 } = this.spec;
    if (throttle > 0 && this.random() < throttle) return { kind: 'throttle' };
    if (serverError > 0 && this.random() < serverError) return { kind: 'server-error', status: this.random() < 0.5 ? 500 : 503 };
    return { kind: 'none' };
  }

  /** For each of `count` records, whether it fails (the `partial` fault). */
  partialFailures(count: number): boolean[] {
    const p = this.spec.partial ?? 0;
    const failed = new Array<boolean>(count).fill(false);
    if (p > 0) for (let i = 0; i < count; i++) failed[i] = this.random() < p;
    return failed;
  }
}
