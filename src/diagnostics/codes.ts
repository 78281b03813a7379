/**
 * The registry of diagnostic codes. Codes are stable strings that users grep for and that
 * `--format json` consumers switch on; never rename one. Each has a default severity and a
 * one-line doc (rendered by `logferry explain codes`). A test fails on an undocumented or unused code.
 */
export const DIAGNOSTIC_CODES = {
  'syntax-error': { severity: 'error', doc: 'A line the classic reader cannot read (bad header, key without a value, text outside a section).' },
  'bad-indentation': { severity: 'error', doc: 'Indentation differs from the first key line of the file (too low, extra level, tabs mixed with spaces).' },
  'unknown-section': { severity: 'error', doc: 'A [SECTION] name Fluent Bit does not know; it would be ignored silently.' },
  'empty-section': { severity: 'warning', doc: 'A section with no keys.' },
  'missing-name': { severity: 'error', doc: 'An [INPUT], [FILTER], [OUTPUT], [PARSER] or [MULTILINE_PARSER] without a Name key.' },
  'unknown-plugin': { severity: 'error', doc: 'No Fluent Bit plugin has this name.' },
  'unsupported-plugin': { severity: 'warning', doc: 'A Fluent Bit plugin that logferry does not run yet: its keys are not checked, or (AWS Go outputs) they are checked but `run` refuses it.' },
  'unknown-key': { severity: 'error', doc: 'A key the plugin or section does not accept.' },
  'unsupported-key': { severity: 'warning', doc: 'A Fluent Bit option, or a value of one, that logferry does not implement: a warning when `run` goes on without it, an error when `run` refuses it.' },
  'duplicate-key': { severity: 'error', doc: 'A key set more than once where only one value is allowed (or where the last one silently wins).' },
  'missing-required': { severity: 'error', doc: 'A required key is not set.' },
  'invalid-value': { severity: 'error', doc: 'A value that does not parse as the option type (size, time, boolean, number, enum).' },
  'invalid-regex': { severity: 'error', doc: 'A regular expression Onigmo would reject, or one with no named group where fields are expected.' },
  'unknown-parser': { severity: 'error', doc: 'A reference to a parser or multiline parser that is not defined.' },
  'duplicate-parser': { severity: 'error', doc: 'Two parsers (or two multiline parsers) with the same name.' },
  'include-not-found': { severity: 'error', doc: 'An @INCLUDE or Parsers_File path that does not exist, or a glob with no match.' },
  'include-loop': { severity: 'error', doc: 'A file included twice, directly or through other includes.' },
  'unreadable-file': { severity: 'error', doc: 'A referenced file exists but cannot be read.' },
  'parser-in-main-file': { severity: 'error', doc: '[PARSER] or [MULTILINE_PARSER] in the main file; Fluent Bit only reads them from a Parsers_File.' },
  'undefined-variable': { severity: 'warning', doc: 'A ${VAR} that is neither @SET nor in the environment; it expands to the empty string.' },
  'conflicting-keys': { severity: 'error', doc: 'Keys that may not be used together, or a choice of which exactly one must be set.' },
  'invalid-rule': { severity: 'error', doc: 'A multiline rule, modify rule, grep rule or similar that does not have the required parts.' },
  'unrouted-input': { severity: 'warning', doc: 'An input whose records no output matches; they would be dropped.' },
  'unmatched-route': { severity: 'warning', doc: 'A filter or output whose Match/Match_Regex no input tag can produce.' },
  'no-match': { severity: 'warning', doc: 'A filter or output with neither Match nor Match_Regex; Fluent Bit never sends it anything.' },
  'no-output': { severity: 'warning', doc: 'A configuration without any [OUTPUT]; every record is dropped.' },
  'ineffective-option': { severity: 'warning', doc: 'An option that does nothing in this configuration, e.g. cloudwatch_logs metric_namespace when no cpu or mem input is routed to the output.' },
  'lossy-conversion': { severity: 'warning', doc: 'logferry convert: a part of the configuration the target format cannot hold exactly; it is left out or changed.' },
  'invalid-configmap': { severity: 'error', doc: 'A Kubernetes ConfigMap manifest that cannot be read or that Kubernetes rejects (YAML errors, data values that are not strings).' },
  'configmap-not-checked': { severity: 'info', doc: 'A ConfigMap that is not the Fargate aws-logging one and holds no Fluent Bit configuration (no fluent-bit.conf key, or the --main key); its data is not validated.' },
  'manifest-not-checked': { severity: 'info', doc: 'A Kubernetes manifest without a ConfigMap (a DaemonSet, RBAC objects...): it holds no Fluent Bit configuration to check.' },
  'fargate-section-not-allowed': { severity: 'error', doc: 'Fargate: a section other than [FILTER], [OUTPUT], [PARSER] (or @INCLUDE/@SET), or a section under the wrong data key.' },
  'fargate-plugin-not-allowed': { severity: 'error', doc: 'Fargate: a filter or output plugin the Fargate log router does not accept.' },
  'fargate-no-output': { severity: 'error', doc: 'Fargate: the configuration has no [OUTPUT]; Fargate disables logging.' },
  'fargate-key-not-allowed': { severity: 'error', doc: 'Fargate: a data key other than filters.conf, output.conf, parsers.conf, flb_log_cw; a bad flb_log_cw; or a service-owned Kube_* key.' },
  'fargate-env-not-allowed': { severity: 'error', doc: 'Fargate: a ${VAR} reference; the aws-logging ConfigMap may not use variables.' },
  'fargate-too-large': { severity: 'error', doc: 'Fargate: the data values of the aws-logging ConfigMap total more than 5,300 characters.' },
  'fargate-namespace': { severity: 'warning', doc: 'Fargate: the ConfigMap is not aws-logging in the namespace aws-observability (labelled aws-observability: enabled); Fargate ignores it.' },
  'internal-error': { severity: 'error', doc: 'logferry failed while checking this file (a bug in logferry: please report it with the file); what it had found so far is listed.' },
  'fargate-missing-match': { severity: 'error', doc: 'Fargate: a [FILTER] or [OUTPUT] without Match; Fargate requires Name and Match in each.' },
} as const satisfies Record<string, { severity: 'error' | 'warning' | 'info'; doc: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function defaultSeverity(code: DiagnosticCode): 'error' | 'warning' | 'info' {
  return DIAGNOSTIC_CODES[code].severity;
}
