/** The JSON bodies of Fluent Bit's v1 monitoring endpoints, built from the pipeline's snapshots. */
import type { MetricsSnapshot, StorageStatus } from '../metrics.js';
import { humanSize, uptimeHr } from './format.js';
import type { MonitoredPipeline } from './source.js';

type Counts = Record<string, number>;

/** Keys Fluent Bit registers for every instance (`flb_metrics_add`), always listed, 0 when unused. */
export const INPUT_KEYS = ['records', 'bytes'] as const;
export const FILTER_KEYS = ['drop_records', 'add_records'] as const;
export const OUTPUT_KEYS = ['proc_records', 'proc_bytes', 'errors', 'retries', 'retries_failed', 'dropped_records', 'retried_records'] as const;

/** Keys some plugins add (in_tail's `tail_config.c`, filter_rewrite_tag), with the counter each comes from. */
export const PLUGIN_KEYS: Readonly<Record<string, readonly (readonly [key: string, counter: string])[]>> = {
  'input:tail': [
    ['files_opened', 'files_opened'],
    ['files_closed', 'files_closed'],
    ['files_rotated', 'files_rotated'],
  ],
  'filter:rewrite_tag': [['emit_records', 'emitted']],
};

/** The `plugin` of each instance by section and display name (`input:tail.0` -> `input:tail`). */
export function pluginsByName(plan: MonitoredPipeline['plan']): Map<string, string> {
  const plugins = new Map<string, string>();
  for (const i of [...plan.inputs, ...plan.filters, ...plan.outputs]) plugins.set(`${i.kind}:${i.displayName}`, `${i.kind}:${i.plugin}`);
  return plugins;
}

export interface V1Metrics {
  input: Record<string, Counts>;
  filter: Record<string, Counts>;
  output: Record<string, Counts>;
}

/** `/api/v1/metrics`: `{input: {name: {records, bytes}}, filter: {...}, output: {...}}`. */
export function metricsJson(source: Pick<MonitoredPipeline, 'plan'>, snapshot: MetricsSnapshot): V1Metrics {
  const plugins = pluginsByName(source.plan);
  const section = (kind: 'input' | 'filter' | 'output', keys: readonly string[], items: MetricsSnapshot['input']) => {
    const out: Record<string, Counts> = {};
    for (const [name, { counters }] of Object.entries(items)) {
      const entry: Counts = {};
      for (const k of keys) entry[k] = counters[k] ?? 0;
      for (const [k, counter] of PLUGIN_KEYS[plugins.get(`${kind}:${name}`) ?? ''] ?? []) entry[k] = counters[counter] ?? 0;
      out[name] = entry;
    }
    return out;
  };
  return {
    input: section('input', INPUT_KEYS, snapshot.input),
    filter: section('filter', FILTER_KEYS, snapshot.filter),
    output: section('output', OUTPUT_KEYS, snapshot.output),
  };
}

/** `/` : Fluent Bit's build information document, naming logferry. */
export function buildInfoJson(version: string): Record<string, unknown> {
  return { logferry: { version, edition: 'Community', flags: ['FLB_HAVE_METRICS', 'FLB_HAVE_HTTP_SERVER'] } };
}

/** `/api/v1/uptime`. */
export function uptimeJson(startedAt: number | undefined, now: number): { uptime_sec: number; uptime_hr: string } {
  const sec = startedAt === undefined ? 0 : Math.max(0, Math.floor(now / 1000) - Math.floor(startedAt / 1000));
  return { uptime_sec: sec, uptime_hr: uptimeHr(sec) };
}

/** `/api/v1/storage`: Fluent Bit's `storage_layer` and `input_chunks` maps (`flb_storage.c`). */
export function storageJson(status: StorageStatus): Record<string, unknown> {
  const inputChunks: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(status.inputs)) {
    inputChunks[name] = {
      status: {
        // Fluent Bit: overlimit when a limit is set and the memory used reached it.
        overlimit: s.overlimit || (s.memLimit > 0 && s.memBytes >= s.memLimit),
        mem_size: humanSize(s.memBytes),
        mem_limit: humanSize(s.memLimit),
      },
      chunks: { total: s.chunks.total, up: s.chunks.up, down: s.chunks.down, busy: s.chunks.busy, busy_size: humanSize(s.chunks.busyBytes) },
    };
  }
  return {
    storage_layer: {
      chunks: {
        total_chunks: status.totalChunks,
        mem_chunks: status.memChunks,
        fs_chunks: status.fsChunks,
        fs_chunks_up: status.fsChunksUp,
        fs_chunks_down: status.fsChunksDown,
      },
    },
    input_chunks: inputChunks,
  };
}
