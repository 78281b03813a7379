/**
 * The Node.js process' own metrics under the names Prometheus client libraries use (prom-client's
 * default metrics): `process_*` (CPU, resident memory, open descriptors, start time) and `nodejs_*`
 * (heap, event-loop lag, GC time, version), from `node:perf_hooks`, `node:v8` and `process`.
 * Both modules are taken at the first scrape of these metrics (`start`, `families`), not when the
 * monitoring server is loaded: an agent nobody asks for them never loads them (bench/NOTES.md,
 * "Builtins loaded at start").
 */
import { readdirSync } from 'node:fs';
import type { IntervalHistogram, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import type { HistogramSample, MetricFamily, Sample } from './cmetrics.js';

/** prom-client's bounds for `nodejs_gc_duration_seconds`. */
export const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5] as const;

const perfHooks = () => process.getBuiltinModule('node:perf_hooks');

/** The `kind` label of each of perf_hooks' GC kinds. */
function gcKinds(): ReadonlyMap<number, string> {
  const { constants } = perfHooks();
  return new Map([
    [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
    [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
    [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
  ]);
}

interface GcTotals {
  counts: number[];
  sum: number;
  count: number;
}

/** Watches garbage collections and the event loop while started; `families()` reads everything. */
export class ProcessMetrics {
  private delay: IntervalHistogram | undefined;
  private observer: PerformanceObserver | undefined;
  private readonly gc = new Map<string, GcTotals>();
  private kinds: ReadonlyMap<number, string> | undefined;

  start(): void {
    if (this.delay) return;
    const { monitorEventLoopDelay, PerformanceObserver } = perfHooks();
    this.kinds ??= gcKinds();
    this.delay = monitorEventLoopDelay({ resolution: 10 });
    this.delay.enable();
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.recordGc(entry);
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.delay?.disable();
    this.delay = undefined;
    this.observer?.disconnect();
    this.observer = undefined;
  }

  private recordGc(entry: PerformanceEntry): void {
    const kind = this.kinds?.get(((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1) ?? 'unknown';
    const seconds = entry.duration / 1000;
    let totals = this.gc.get(kind);
    if (!totals) {
      totals = { counts: GC_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.gc.set(kind, totals);
    }
    GC_BUCKETS.forEach((le, i) => {
      if (seconds <= le) totals.counts[i]!++;
    });
    totals.sum += seconds;
    totals.count++;
  }

  /**
   * Every family; `lagSeconds` is the event-loop lag just measured (the time a `setImmediate` took
   * to run, as prom-client measures `nodejs_eventloop_lag_seconds`). The delay statistics cover the
   * time since the previous call, as prom-client's (it resets its histogram after each scrape).
   */
  families(lagSeconds: number, now: number): MetricFamily[] {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const startSeconds = Math.round(now / 1000 - process.uptime());
    const gauge = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ labels: [], value }] });
    const counter = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'counter', samples: [{ labels: [], value }] });
    const families: MetricFamily[] = [
      counter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', cpu.user / 1e6),
      counter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', cpu.system / 1e6),
      counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6),
      gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', startSeconds),
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss),
    ];
    const fds = openFileDescriptors();
    if (fds !== undefined) families.push(gauge('process_open_fds', 'Number of open file descriptors.', fds));
    families.push(
      gauge('nodejs_eventloop_lag_seconds', 'Lag of event loop in seconds.', lagSeconds),
      ...this.delayFamilies(),
      gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', memory.heapTotal),
      gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', memory.heapUsed),
      gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', memory.external),
      ...heapSpaceFamilies(),
      this.gcFamily(),
      {
        name: 'nodejs_version_info',
        help: 'Node.js version info.',
        type: 'gauge',
        samples: [{ labels: versionLabels(), value: 1 }],
      },
    );
    return families;
  }

  /** `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds` from the delay histogram. */
  private delayFamilies(): MetricFamily[] {
    const h = this.delay;
    if (!h || h.count === 0) return [];
    const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    const stats: [string, string, number][] = [
      ['min', 'The minimum recorded event loop delay.', h.min],
      ['max', 'The maximum recorded event loop delay.', h.max],
      ['mean', 'The mean of the recorded event loop delays.', h.mean],
      ['stddev', 'The standard deviation of the recorded event loop delays.', h.stddev],
      ['p50', 'The 50th percentile of the recorded event loop delays.', h.percentile(50)],
      ['p90', 'The 90th percentile of the recorded event loop delays.', h.percentile(90)],
      ['p99', 'The 99th percentile of the recorded event loop delays.', h.percentile(99)],
    ];
    const families = stats.map(([stat, help, ns]): MetricFamily => ({ name: `nodejs_eventloop_lag_${stat}_seconds`, help, type: 'gauge', samples: [{ labels: [], value: seconds(ns) }] }));
    h.reset();
    return families;
  }

  private gcFamily(): MetricFamily {
    const samples: HistogramSample[] = [...this.gc].map(([kind, t]) => ({
      labels: [['kind', kind]],
      buckets: GC_BUCKETS.map((le, i) => [le, t.counts[i]!] as const),
      sum: t.sum,
      count: t.count,
    }));
    return { name: 'nodejs_gc_duration_seconds', help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.', type: 'histogram', samples };
  }
}

/** Entries of `/proc/self/fd` (Linux), less the one reading it; undefined elsewhere. */
function openFileDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return undefined;
  }
}

function heapSpaceFamilies(): MetricFamily[] {
  const spaces = process.getBuiltinModule('node:v8').getHeapSpaceStatistics();
  const family = (what: 'total' | 'used' | 'available', pick: (s: (typeof spaces)[number]) => number): MetricFamily => ({
    name: `nodejs_heap_space_size_${what}_bytes`,
    help: `Process heap space size ${what} from Node.js in bytes.`,
    type: 'gauge',
    samples: spaces.map((s): Sample => ({ labels: [['space', s.space_name.replace(/_space$/, '')]], value: pick(s) })),
  });
  return [family('total', (s) => s.space_size), family('used', (s) => s.space_used_size), family('available', (s) => s.space_available_size)];
}

function versionLabels(): [string, string][] {
  const [major = '', minor = '', patch = ''] = process.versions.node.split('.');
  return [
    ['version', process.version],
    ['major', major],
    ['minor', minor],
    ['patch', patch],
  ];
}

/** The event-loop lag now: how long a `setImmediate` callback waits to run, in seconds. */
export function measureEventLoopLag(): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - start) / 1e9)));
}
