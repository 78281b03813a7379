/**
 * `/api/v1/metrics/prometheus`: text exposition format 0.0.4 with Fluent Bit's v1 names
 * (`api/v1/metrics.c`), followed by logferry's own series (drops by reason, pauses, buffer).
 */
import { metricsJson } from './v1-json.js';
import type { MonitoredPipeline } from './source.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4';

/** A label value with `\`, `"` and newlines escaped as the exposition format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Fluent Bit's `metrics_help_txt`: the first fragment the metric name contains picks the text. */
const HELP: readonly (readonly [fragment: string, help: string])[] = [
  ['input_bytes', 'Number of input bytes.'],
  ['input_records', 'Number of input records.'],
  ['output_bytes', 'Number of output bytes.'],
  ['output_records', 'Number of output records.'],
  ['output_errors', 'Number of output errors.'],
  ['output_retries_failed', 'Number of abandoned batches because the maximum number of re-tries was reached.'],
  ['output_retries', 'Number of output retries.'],
  ['output_proc_records', 'Number of processed output records.'],
  ['output_proc_bytes', 'Number of processed output bytes.'],
  ['output_dropped_records', 'Number of dropped records.'],
  ['output_retried_records', 'Number of retried records.'],
];

function helpFor(metric: string): string {
  return HELP.find(([fragment]) => metric.includes(fragment))?.[1] ?? 'Fluentbit metrics.';
}

export interface PrometheusExtras {
  /** logferry's version (`logferry_build_info`). */
  version: string;
  /** Successful hot reloads so far (`fluentbit_hot_reloaded_times`). */
  hotReloads: number;
}

/** The whole text body; `now` in ms since the epoch. */
export function prometheusText(source: MonitoredPipeline, extras: PrometheusExtras, now: number): string {
  const snapshot = source.metrics();
  const v1 = metricsJson(source, snapshot);
  const out: string[] = [];

  // Fluent Bit's part: one line per (section, instance, key), sorted, HELP/TYPE where a name starts.
  const lines: { metric: string; line: string }[] = [];
  for (const kind of ['input', 'filter', 'output'] as const) {
    for (const [name, counts] of Object.entries(v1[kind])) {
      for (const [key, value] of Object.entries(counts)) {
        const metric = `fluentbit_${kind}_${key}_total`;
        lines.push({ metric, line: `${metric}{name="${escapeLabelValue(name)}"} ${value} ${now}` });
      }
    }
  }
  lines.sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0));
  let previous: string | undefined;
  for (const { metric, line } of lines) {
    if (metric !== previous) {
      out.push(`# HELP ${metric} ${helpFor(metric)}`, `# TYPE ${metric} counter`);
      previous = metric;
    }
    out.push(line);
  }

  const started = source.startedAt ?? now;
  const uptime = Math.max(0, Math.floor(now / 1000) - Math.floor(started / 1000));
  out.push(
    '# HELP fluentbit_uptime Number of seconds that logferry has been running.',
    '# TYPE fluentbit_uptime counter',
    `fluentbit_uptime ${uptime}`,
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${Math.floor(started / 1000)}`,
    '# HELP fluentbit_hot_reloaded_times Total number of hot reloads.',
    '# TYPE fluentbit_hot_reloaded_times gauge',
    `fluentbit_hot_reloaded_times ${extras.hotReloads}`,
    // Fluent Bit's v1 line names its edition ("Community"); logferry's names logferry.
    '# HELP fluentbit_build_info Build version information.',
    '# TYPE fluentbit_build_info gauge',
    `fluentbit_build_info{version="${escapeLabelValue(extras.version)}",edition="logferry"} 1`,
    '# HELP logferry_build_info Build version information.',
    '# TYPE logferry_build_info gauge',
    `logferry_build_info{version="${escapeLabelValue(extras.version)}"} 1`,
  );

  // logferry's part.
  out.push('# HELP logferry_dropped_records_total Records dropped, by instance and reason (name="router": no output matched the tag).');
  out.push('# TYPE logferry_dropped_records_total counter');
  const drop = (name: string, reason: string, n: number) =>
    out.push(`logferry_dropped_records_total{name="${escapeLabelValue(name)}",reason="${escapeLabelValue(reason)}"} ${n}`);
  for (const kind of ['input', 'filter', 'output'] as const) {
    for (const [name, { dropped }] of Object.entries(snapshot[kind])) for (const [reason, n] of Object.entries(dropped)) drop(name, reason, n);
  }
  for (const [reason, n] of Object.entries(source.routingDrops())) drop('router', reason, n);

  out.push('# HELP logferry_input_paused_total Times the input was paused because its buffer reached Mem_Buf_Limit.');
  out.push('# TYPE logferry_input_paused_total counter');
  for (const [name, { counters }] of Object.entries(snapshot.input)) out.push(`logferry_input_paused_total{name="${escapeLabelValue(name)}"} ${counters['paused'] ?? 0}`);

  out.push('# HELP logferry_input_overlimit 1 while the input is paused by Mem_Buf_Limit.');
  out.push('# TYPE logferry_input_overlimit gauge');
  for (const [name, s] of Object.entries(source.storageStatus().inputs)) out.push(`logferry_input_overlimit{name="${escapeLabelValue(name)}"} ${s.overlimit ? 1 : 0}`);

  out.push('# HELP logferry_buffered_records Records accepted and not yet delivered or dropped.');
  out.push('# TYPE logferry_buffered_records gauge');
  out.push(`logferry_buffered_records ${snapshot.buffered_records}`);
  return `${out.join('\n')}\n`;
}
