/**
 * The metric families of Fluent Bit 4.2's `/api/v2/metrics` endpoints (the instances' cmetrics
 * contexts, `flb_metrics_fluentbit_add` and the storage layer's), with the names, labels and help
 * texts Fluent Bit 4.2.8 serves (`fixtures/fluent-bit-4.2.8/` holds its answer), from the running
 * pipeline. Not served: upstream connection counts (outputs keep their connections in their own
 * clients); the monitoring test lists it.
 */
import type { Labels, MetricFamily, Sample } from './cmetrics.js';
import { deliveryFamilies } from './delivery-metrics.js';
import type { MonitoredPipeline } from './source.js';
import { FILTER_KEYS, INPUT_KEYS, OUTPUT_KEYS, PLUGIN_KEYS, pluginsByName } from './v1-json.js';
import { loggedLines } from '../logger.js';
import type { InputStorageStatus } from '../metrics.js';

export interface V2Context {
  readonly version: string;
  readonly hotReloads: number;
  readonly hostname: string;
  /** `os` label of `fluentbit_build_info` (Fluent Bit's `get_os_name`: linux, macos, windows...). */
  readonly os: string;
  /** ms since the epoch. */
  readonly now: number;
}

type Section = 'input' | 'filter' | 'output';

/** Help texts Fluent Bit gives each per-instance counter (`flb_input.c`, `flb_filter.c`, `flb_output.c`, plugins). */
const COUNTER_HELP: Readonly<Record<Section, Readonly<Record<string, string>>>> = {
  input: {
    bytes: 'Number of input bytes.',
    records: 'Number of input records.',
    ring_buffer_writes: 'Number of ring buffer writes.',
    ring_buffer_retries: 'Number of ring buffer retries.',
    ring_buffer_retry_failures: 'Number of ring buffer retry failures.',
    files_opened: 'Total number of opened files',
    files_closed: 'Total number of closed files',
    files_rotated: 'Total number of rotated files',
  },
  filter: {
    records: 'Total number of new records processed.',
    bytes: 'Total number of new bytes processed.',
    add_records: 'Total number of new added records.',
    drop_records: 'Total number of dropped records.',
    drop_bytes: 'Total number of dropped bytes.',
    emit_records: 'Total number of emitted records',
  },
  output: {
    proc_records: 'Number of processed output records.',
    proc_bytes: 'Number of processed output bytes.',
    errors: 'Number of output errors.',
    retries: 'Number of output retries.',
    retries_failed: 'Number of abandoned batches because the maximum number of re-tries was reached.',
    dropped_records: 'Number of dropped records.',
    retried_records: 'Number of retried records.',
  },
};

/**
 * Keys in Fluent Bit's order; v2 adds the filters' `records`, `bytes` and `drop_bytes`, and the
 * inputs' ring buffer counters, which stay 0: Fluent Bit writes to a ring buffer only from a
 * threaded input, and logferry runs none (`Threaded` is warned about and ignored), as Fluent Bit
 * serves 0 for its inputs that are not threaded.
 */
const SECTION_KEYS: Readonly<Record<Section, readonly string[]>> = {
  input: ['bytes', ...INPUT_KEYS.filter((k) => k !== 'bytes'), 'ring_buffer_writes', 'ring_buffer_retries', 'ring_buffer_retry_failures'],
  filter: ['records', 'bytes', ...FILTER_KEYS.slice().reverse(), 'drop_bytes'],
  output: OUTPUT_KEYS,
};

/** `fluentbit_input_storage_*` gauges (`flb_input.c`) and what each reads from an input's buffer. */
const INPUT_STORAGE: readonly (readonly [name: string, help: string, read: (s: InputStorageStatus) => number])[] = [
  ['overlimit', 'Is the input memory usage overlimit ?.', (s) => (s.overlimit || (s.memLimit > 0 && s.memBytes >= s.memLimit) ? 1 : 0)],
  ['memory_bytes', 'Memory bytes used by the chunks.', (s) => s.memBytes],
  ['chunks', 'Total number of chunks.', (s) => s.chunks.total],
  ['chunks_up', 'Total number of chunks up in memory.', (s) => s.chunks.up],
  ['chunks_down', 'Total number of chunks down.', (s) => s.chunks.down],
  ['chunks_busy', 'Total number of chunks in a busy state.', (s) => s.chunks.busy],
  ['chunks_busy_bytes', 'Total number of bytes used by chunks in a busy state.', (s) => s.chunks.busyBytes],
];

const named = (name: string): Labels => [['name', name]];

/** Every Fluent Bit family, in the order Fluent Bit 4.2.8 serves them. */
export function fluentBitFamilies(source: MonitoredPipeline, ctx: V2Context): MetricFamily[] {
  const snapshot = source.metrics();
  const plugins = pluginsByName(source.plan);
  const host: Labels = [['hostname', ctx.hostname]];
  const started = source.startedAt ?? ctx.now;
  const delivery = deliveryFamilies(source.deliveryStatus());
  const families: MetricFamily[] = [
    { name: 'fluentbit_uptime', help: 'Number of seconds that logferry has been running.', type: 'counter', samples: [{ labels: host, value: Math.max(0, Math.floor(ctx.now / 1000) - Math.floor(started / 1000)) }] },
    {
      name: 'fluentbit_logger_logs_total',
      help: 'Total number of logs',
      type: 'counter',
      samples: Object.entries(loggedLines()).map(([level, value]) => ({ labels: [['message_type', level]], value })),
    },
    ...delivery.routing,
  ];

  for (const section of ['input', 'filter', 'output'] as const) {
    const instances = Object.entries(snapshot[section]);
    const keys = [...SECTION_KEYS[section]];
    for (const [name] of instances) for (const [key] of PLUGIN_KEYS[plugins.get(`${section}:${name}`) ?? ''] ?? []) if (!keys.includes(key)) keys.push(key);
    for (const key of keys) {
      const samples: Sample[] = [];
      for (const [name, { counters }] of instances) {
        const plugin = PLUGIN_KEYS[plugins.get(`${section}:${name}`) ?? ''] ?? [];
        const pluginCounter = plugin.find(([k]) => k === key)?.[1];
        if (!SECTION_KEYS[section].includes(key) && pluginCounter === undefined) continue;
        samples.push({ labels: named(name), value: counters[pluginCounter ?? key] ?? 0 });
      }
      families.push({ name: `fluentbit_${section}_${key}_total`, help: COUNTER_HELP[section][key] ?? 'Fluentbit metrics.', type: 'counter', samples });
    }
  }

  families.push(
    { name: 'fluentbit_process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', type: 'gauge', samples: [{ labels: host, value: Math.floor(started / 1000) }] },
    {
      name: 'fluentbit_build_info',
      help: 'Build version information.',
      type: 'gauge',
      // Fluent Bit's value is its start time; `edition` names logferry (Fluent Bit 4.2.8 has no such label in v2).
      samples: [{ labels: [...host, ['version', ctx.version], ['os', ctx.os], ['edition', 'logferry']], value: Math.floor(started / 1000) }],
    },
    { name: 'fluentbit_hot_reloaded_times', help: 'Collect the count of hot reloaded times.', type: 'gauge', samples: [{ labels: host, value: ctx.hotReloads }] },
  );

  const storage = source.storageStatus();
  if (source.plan.service['storage.metrics']) {
    const total = (name: string, help: string, value: number): MetricFamily => ({ name: `fluentbit_storage_${name}`, help, type: 'gauge', samples: [{ labels: [], value }] });
    families.push(
      total('chunks', 'Total number of chunks in the storage layer.', storage.totalChunks),
      total('mem_chunks', 'Total number of memory chunks.', storage.memChunks),
      total('fs_chunks', 'Total number of filesystem chunks.', storage.fsChunks),
      total('fs_chunks_up', 'Total number of filesystem chunks up in memory.', storage.fsChunksUp),
      total('fs_chunks_down', 'Total number of filesystem chunks down.', storage.fsChunksDown),
    );
  }
  const inputs = Object.entries(storage.inputs);
  families.push({ name: 'fluentbit_input_ingestion_paused', help: 'Is the input paused or not?', type: 'gauge', samples: inputs.map(([name, s]) => ({ labels: named(name), value: s.overlimit ? 1 : 0 })) });
  for (const [key, help, read] of INPUT_STORAGE) {
    families.push({ name: `fluentbit_input_storage_${key}`, help, type: 'gauge', samples: inputs.map(([name, s]) => ({ labels: named(name), value: read(s) })) });
  }
  families.push(...delivery.output);
  return families;
}

/** Fluent Bit's `get_os_name` for Node's platform names. */
export function osName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  if (platform === 'win32') return arch === 'x64' || arch === 'arm64' ? 'win64' : 'win32';
  if (platform === 'darwin') return 'macos';
  if (platform === 'linux' || platform === 'freebsd') return platform;
  return ['openbsd', 'netbsd', 'sunos', 'aix'].includes(platform) ? 'unix' : 'other';
}
