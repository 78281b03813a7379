/**
 * Native processor plugins of Fluent Bit (`plugins/processor_*`, 4.x) logferry does not run, by name
 * (those it runs are in src/plugins/processors); a YAML processor with one of these names is
 * reported as unsupported, not unknown.
 */
export const NATIVE_PROCESSORS: Readonly<Record<string, string>> = {
  cumulative_to_delta: 'convert cumulative sums and histograms to delta',
  labels: 'modify metric labels',
  metrics_selector: 'select metrics by name',
  opentelemetry_envelope: 'wrap log records in the OpenTelemetry logs schema',
  sampling: 'trace sampling',
  tda: 'persistent homology analysis of metrics',
};
