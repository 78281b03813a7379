/**
 * Metric families as Fluent Bit's cmetrics holds them, and the two encodings its `/api/v2`
 * endpoints serve: Prometheus text (`cmt_encode_prometheus_create`, no timestamps) for
 * `/api/v2/metrics/prometheus` and cmetrics' text (`cmt_encode_text_create`) for `/api/v2/metrics`.
 */
import { escapeLabelValue } from './prometheus.js';

export type Labels = readonly (readonly [name: string, value: string])[];

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

export interface HistogramSample {
  readonly labels: Labels;
  /** Upper bounds, ascending, and the count of observations at or below each (cumulative). */
  readonly buckets: readonly (readonly [le: number, count: number])[];
  readonly sum: number;
  readonly count: number;
}

export type MetricFamily =
  | { readonly name: string; readonly help: string; readonly type: 'counter' | 'gauge'; readonly samples: readonly Sample[] }
  | { readonly name: string; readonly help: string; readonly type: 'histogram'; readonly samples: readonly HistogramSample[] };

function labelText(labels: Labels): string {
  return labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/** cmetrics writes a bucket bound with a decimal point (`1.0`, `0.5`). */
function boundText(le: number): string {
  return Number.isInteger(le) ? le.toFixed(1) : String(le);
}

/** `# HELP`, `# TYPE` then the samples; a histogram as `_bucket{le=...}` (le first), `_sum`, `_count`. */
export function encodePrometheus(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    if (f.type !== 'histogram') {
      for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${s.value}`);
      continue;
    }
    for (const s of f.samples) {
      for (const [le, count] of s.buckets) out.push(`${f.name}_bucket${labelText([['le', boundText(le)], ...s.labels])} ${count}`);
      out.push(`${f.name}_bucket${labelText([['le', '+Inf'], ...s.labels])} ${s.count}`);
      out.push(`${f.name}_sum${labelText(s.labels)} ${s.sum}`, `${f.name}_count${labelText(s.labels)} ${s.count}`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** `2026-12-07T10:50:32.684000000Z name{labels} = value`, one line a sample. */
export function encodeText(families: readonly MetricFamily[], now: number): string {
  const ts = new Date(now).toISOString().replace(/Z$/, '000000Z');
  const out: string[] = [];
  for (const f of families) {
    if (f.type !== 'histogram') {
      for (const s of f.samples) out.push(`${ts} ${f.name}${labelText(s.labels)} = ${s.value}`);
      continue;
    }
    for (const s of f.samples) {
      const buckets = [...s.buckets.map(([le, n]) => `${le}=${n}`), `+Inf=${s.count}`].join(', ');
      out.push(`${ts} ${f.name}${labelText(s.labels)} = { buckets = { ${buckets} }, sum=${s.sum}, count=${s.count} }`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
