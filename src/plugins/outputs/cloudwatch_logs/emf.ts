/**
 * CloudWatch embedded metric format (EMF) for records of the cpu and mem inputs, as Fluent Bit's
 * cloudwatch_logs builds it (plugins/out_cloudwatch_logs/cloudwatch_api.c: process_log_events,
 * pack_emf_payload, should_add_to_emf; units from include/fluent-bit/flb_intermediate_metric.h).
 */
import { splitNanos } from '../../../record/event.js';
import { formatDouble } from '../../../engine/format/json.js';
import { splitFlb } from '../../../options/tokenize.js';
import { recordJson } from '../shared/record-json.js';
import type { EmfKind } from './emf-inputs.js';

/** The namespace Fluent Bit writes when metric_namespace is not set. */
export const DEFAULT_NAMESPACE = 'fluent-bit-metrics';

const UNIT: Record<EmfKind, string> = { cpu: 'Percent', mem: 'Bytes' };

/** Key prefixes should_add_to_emf accepts (it compares with strncmp, so `cpu_` also takes `cpu_p`). */
const METRIC_PREFIXES = ['cpu_', 'user_p', 'system_p', 'Mem.total', 'Mem.used', 'Mem.free', 'Swap.total', 'Swap.used', 'Swap.free'] as const;

/** should_add_to_emf: the keys listed in the Metrics array (the per-CPU keys are not). */
export function shouldAddToEmf(key: string): boolean {
  return METRIC_PREFIXES.some((p) => key.startsWith(p));
}

/** metric_dimensions: sets split at `;`, names at `,` (flb_utils_split, at most 256 splits each, no trimming). */
export function parseDimensions(text: string | undefined): string[][] {
  if (text === undefined) return [];
  const sets = splitFlb(text, { separator: ';', maxSplit: 256 });
  if (!sets.ok) return [];
  return sets.tokens.map((set) => {
    const names = splitFlb(set, { separator: ',', maxSplit: 256 });
    return names.ok ? names.tokens : [];
  });
}

export interface EmfSettings {
  readonly namespace: string | undefined;
  readonly dimensions: readonly (readonly string[])[];
}

/** Keys in_cpu writes: doubles in Fluent Bit, printed as it prints doubles (0.0, 12.5). */
const CPU_DOUBLE_KEY = /^(?:cpu_p|user_p|system_p|cpu\d+\.p_\w+)$/;

/**
 * The EMF event of one record, as JSON: an `_aws` object first (Timestamp: the record's whole
 * seconds in ms; one CloudWatchMetrics directive with Namespace, Dimensions and a Metrics entry per
 * accepted key, Unit Percent for cpu and Bytes for mem), then every key of the record with its
 * value, in order, accepted or not.
 */
export function emfMessage(record: Record<string, unknown>, timeNs: bigint, kind: EmfKind, settings: EmfSettings): string {
  const unit = UNIT[kind];
  const metrics: string[] = [];
  const fields: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    const k = JSON.stringify(key);
    if (shouldAddToEmf(key)) metrics.push(`{"Name":${k},"Unit":"${unit}"}`);
    const v = kind === 'cpu' && typeof value === 'number' && CPU_DOUBLE_KEY.test(key) ? formatDouble(value) : recordJson(value);
    fields.push(`${k}:${v}`);
  }
  const directive =
    `{"Namespace":${JSON.stringify(settings.namespace ?? DEFAULT_NAMESPACE)},` +
    `"Dimensions":${JSON.stringify(settings.dimensions)},` +
    `"Metrics":[${metrics.join(',')}]}`;
  const aws = `"_aws":{"Timestamp":${splitNanos(timeNs).sec * 1000},"CloudWatchMetrics":[${directive}]}`;
  return fields.length === 0 ? `{${aws}}` : `{${aws},${fields.join(',')}}`;
}
