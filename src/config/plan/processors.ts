/**
 * Native processor plugins of Fluent Bit (`plugins/processor_*`, 4.x), by name. logferry runs none
 * of them; a YAML processor with one of these names is reported as unsupported, not unknown.
 */
export const NATIVE_PROCESSORS: Readonly<Record<string, string>> = {
  content_modifier: 'modify the content of logs, metrics and traces',
  cumulative_to_delta: 'convert cumulative sums and histograms to delta',
  labels: 'modify metric labels',
  metrics_selector: 'select metrics by name',
  opentelemetry_envelope: 'wrap log records in the OpenTelemetry logs schema',
  sampling: 'trace sampling',
  sql: 'SQL queries over records',
  tda: 'persistent homology analysis of metrics',
};
