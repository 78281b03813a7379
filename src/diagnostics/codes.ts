/**
 * The registry of diagnostic codes. Codes are stable strings that users grep for and that
 * `--format json` consumers switch on; never rename one. Each has a default severity, a
 * one-line doc, how to fix it, and a wrong/right example configuration: the one table that
 * SARIF rules (`help`, `helpUri`) and docs/diagnostics.md (`logferry explain --codes`) are made
 * from. A test fails on an undocumented or unused code.
 */

/** Where logferry lives, and the page (generated from this table) each code has an anchor in. */
export const PROJECT_URL = 'https://github.com/logferry/logferry';
export const DIAGNOSTICS_DOC_URL = `${PROJECT_URL}/blob/main/docs/diagnostics.md`;

export interface CodeInfo {
  readonly severity: 'error' | 'warning' | 'info';
  /** One line: what the diagnostic means. */
  readonly doc: string;
  /** How to fix it (or silence it). */
  readonly fix: string;
  /** A configuration that gets the diagnostic, and the same one fixed. */
  readonly example?: { readonly wrong: string; readonly right: string; readonly lang?: 'yaml' };
}

export const DIAGNOSTIC_CODES = {
  'syntax-error': {
    severity: 'error',
    doc: 'A line the classic reader cannot read (bad header, key without a value, text outside a section).',
    fix: 'Write each section header as [NAME] on its own line and each key as `key value` inside a section.',
    example: { wrong: '[INPUT\n    Name dummy', right: '[INPUT]\n    Name dummy' },
  },
  'bad-indentation': {
    severity: 'error',
    doc: 'Indentation differs from the first key line of the file (too low, extra level, tabs mixed with spaces).',
    fix: 'Indent every key line of the file like the first one, with spaces only.',
    example: { wrong: '[INPUT]\n    Name dummy\n      Tag  app', right: '[INPUT]\n    Name dummy\n    Tag  app' },
  },
  'unknown-section': {
    severity: 'error',
    doc: 'A [SECTION] name Fluent Bit does not know; it would be ignored silently.',
    fix: 'Use SERVICE, INPUT, FILTER, OUTPUT, PARSER, MULTILINE_PARSER, PLUGINS, UPSTREAM or NODE.',
    example: { wrong: '[INPUTS]\n    Name dummy', right: '[INPUT]\n    Name dummy' },
  },
  'empty-section': {
    severity: 'warning',
    doc: 'A section with no keys.',
    fix: 'Add the keys the section needs, or remove it.',
    example: { wrong: '[SERVICE]\n\n[INPUT]\n    Name dummy', right: '[SERVICE]\n    Flush 1\n\n[INPUT]\n    Name dummy' },
  },
  'missing-name': {
    severity: 'error',
    doc: 'An [INPUT], [FILTER], [OUTPUT], [PARSER] or [MULTILINE_PARSER] without a Name key.',
    fix: 'Add `Name <plugin>` (or the parser name) to the section.',
    example: { wrong: '[OUTPUT]\n    Match *', right: '[OUTPUT]\n    Name  stdout\n    Match *' },
  },
  'unknown-plugin': {
    severity: 'error',
    doc: 'No Fluent Bit plugin has this name.',
    fix: 'Fix the plugin name; `logferry explain <name>` lists the known ones and suggests the closest.',
    example: { wrong: '[INPUT]\n    Name tial\n    Path /var/log/app.log', right: '[INPUT]\n    Name tail\n    Path /var/log/app.log' },
  },
  'unsupported-plugin': {
    severity: 'warning',
    doc: 'A Fluent Bit plugin that logferry does not run yet: its keys are checked against the target Fluent Bit release only (validate), or (AWS Go outputs) by logferry\'s table, but `run` refuses it.',
    fix: 'Keep it if only Fluent Bit runs the file; for logferry `run`, use a supported plugin (`logferry explain --all`).',
    example: {
      wrong: '[OUTPUT]\n    Name   cloudwatch\n    Match  *\n    region us-east-1\n    log_group_name app',
      right: '[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    region            us-east-1\n    log_group_name    app\n    log_stream_prefix app-',
    },
  },
  'unknown-key': {
    severity: 'error',
    doc: 'A key the plugin or section does not accept.',
    fix: 'Fix the key name (the message suggests the closest one) or remove it; `logferry explain <plugin>` lists the keys.',
    example: { wrong: '[INPUT]\n    Name         tail\n    Path         /var/log/app.log\n    Mem_Buf_Limt 5MB', right: '[INPUT]\n    Name          tail\n    Path          /var/log/app.log\n    Mem_Buf_Limit 5MB' },
  },
  'unsupported-key': {
    severity: 'warning',
    doc: 'A Fluent Bit option, or a value of one, that logferry does not implement: a warning when `run` goes on without it, an error when `run` refuses it.',
    fix: 'Remove the option or choose a supported value if logferry runs the file; `logferry explain <plugin>` says why.',
    example: {
      wrong: '[OUTPUT]\n    Name        kinesis_firehose\n    Match       *\n    region      us-east-1\n    delivery_stream logs\n    compression snappy',
      right: '[OUTPUT]\n    Name        kinesis_firehose\n    Match       *\n    region      us-east-1\n    delivery_stream logs\n    compression gzip',
    },
  },
  'duplicate-key': {
    severity: 'error',
    doc: 'A key set more than once where only one value is allowed (or where the last one silently wins).',
    fix: 'Keep one of the values.',
    example: { wrong: '[INPUT]\n    Name dummy\n    Tag  app\n    Tag  web', right: '[INPUT]\n    Name dummy\n    Tag  app' },
  },
  'missing-required': {
    severity: 'error',
    doc: 'A required key is not set.',
    fix: 'Set the key; `logferry explain <plugin>` marks the required ones.',
    example: {
      wrong: '[OUTPUT]\n    Name   cloudwatch_logs\n    Match  *\n    region us-east-1',
      right: '[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    region            us-east-1\n    log_group_name    app\n    log_stream_prefix app-',
    },
  },
  'fluent-bit-version': {
    severity: 'error',
    doc: 'A plugin, key or YAML section the target Fluent Bit release does not have (it appeared later, was removed, or is not in that image); for [SERVICE] and parser keys, which Fluent Bit ignores, a warning.',
    fix: 'Use what the release has (`logferry explain <plugin> --fluent-bit-version X.Y` lists its keys), or set the target that runs the file: --target, --fluent-bit-version, LOGFERRY_FLUENT_BIT_VERSION or a .fluent-bit-version file.',
    example: {
      wrong: '[OUTPUT]\n    Name  opentelemetry\n    Match *\n    Host  collector\n    uri   /v1/metrics',
      right: '[OUTPUT]\n    Name        opentelemetry\n    Match       *\n    Host        collector\n    metrics_uri /v1/metrics',
    },
  },
  'invalid-value': {
    severity: 'error',
    doc: 'A value that does not parse as the option type (size, time, boolean, number, enum).',
    fix: 'Write the value as the option type wants: sizes like 5M, times like 10s, booleans on/off, one of an enum\'s values.',
    example: { wrong: '[INPUT]\n    Name          tail\n    Path          /var/log/app.log\n    Mem_Buf_Limit five', right: '[INPUT]\n    Name          tail\n    Path          /var/log/app.log\n    Mem_Buf_Limit 5MB' },
  },
  'invalid-regex': {
    severity: 'error',
    doc: 'A regular expression Onigmo would reject, or one with no named group where fields are expected.',
    fix: 'Fix the expression (Onigmo/Ruby syntax) and name the groups that become fields: (?<name>...).',
    example: {
      wrong: '[FILTER]\n    Name  grep\n    Match *\n    Regex log ([a-z]+',
      right: '[FILTER]\n    Name  grep\n    Match *\n    Regex log ([a-z]+)',
    },
  },
  'unknown-parser': {
    severity: 'error',
    doc: 'A reference to a parser or multiline parser that is not defined.',
    fix: 'Define the parser in a Parsers_File named in [SERVICE], or use a built-in one (docker, cri, go, python, java, ruby for multiline).',
    example: {
      wrong: '[INPUT]\n    Name             tail\n    Path             /var/log/containers/*.log\n    multiline.parser crio',
      right: '[INPUT]\n    Name             tail\n    Path             /var/log/containers/*.log\n    multiline.parser cri',
    },
  },
  'duplicate-parser': {
    severity: 'error',
    doc: 'Two parsers (or two multiline parsers) with the same name.',
    fix: 'Rename or remove one of them.',
    example: {
      lang: 'yaml',
      wrong: 'parsers:\n  - name: app\n    format: json\n  - name: app\n    format: logfmt',
      right: 'parsers:\n  - name: app\n    format: json\n  - name: app_logfmt\n    format: logfmt',
    },
  },
  'include-not-found': {
    severity: 'error',
    doc: 'An @INCLUDE, Parsers_File or lua Script path that does not exist, or a glob with no match.',
    fix: 'Fix the path: relative paths are tried from the working directory, then from the including file\'s directory.',
    example: { wrong: '@INCLUDE output-s3.conf', right: '@INCLUDE outputs/s3.conf' },
  },
  'include-loop': {
    severity: 'error',
    doc: 'A file included twice, directly or through other includes.',
    fix: 'Include each file once, from one place.',
    example: { wrong: '@INCLUDE inputs.conf\n@INCLUDE inputs.conf', right: '@INCLUDE inputs.conf' },
  },
  'unreadable-file': {
    severity: 'error',
    doc: 'A referenced file exists but cannot be read.',
    fix: 'Point at a regular file the user running Fluent Bit may read (not a directory, device or FIFO).',
    example: { wrong: '@INCLUDE /dev/zero', right: '@INCLUDE /etc/fluent-bit/inputs.conf' },
  },
  'parser-in-main-file': {
    severity: 'error',
    doc: '[PARSER] or [MULTILINE_PARSER] in the main file; Fluent Bit only reads them from a Parsers_File.',
    fix: 'Move the section into a parsers file and name it with Parsers_File in [SERVICE].',
    example: {
      wrong: '[PARSER]\n    Name   app\n    Format json',
      right: '[SERVICE]\n    Parsers_File parsers.conf\n\n# parsers.conf:\n# [PARSER]\n#     Name   app\n#     Format json',
    },
  },
  'undefined-variable': {
    severity: 'warning',
    doc: 'A ${VAR} that is neither @SET nor in the environment; it expands to the empty string.',
    fix: 'Set the variable with @SET or in the environment (validate --env KEY=VALUE for a check), or fix its name.',
    example: { wrong: '[INPUT]\n    Name dummy\n    Tag  ${APP_TAG}', right: '@SET APP_TAG=app\n\n[INPUT]\n    Name dummy\n    Tag  ${APP_TAG}' },
  },
  'conflicting-keys': {
    severity: 'error',
    doc: 'Keys that may not be used together, or a choice of which exactly one must be set.',
    fix: 'Keep exactly one of the keys the message names.',
    example: {
      wrong: '[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    region            us-east-1\n    log_group_name    app\n    log_stream_name   web\n    log_stream_prefix app-',
      right: '[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    region            us-east-1\n    log_group_name    app\n    log_stream_prefix app-',
    },
  },
  'invalid-rule': {
    severity: 'error',
    doc: 'A multiline rule, modify rule, grep rule or similar that does not have the required parts.',
    fix: 'Give the rule all its parts, e.g. grep `Regex <key> <regex>`, modify `Rename <from> <to>`.',
    example: { wrong: '[FILTER]\n    Name   modify\n    Match  *\n    Rename log', right: '[FILTER]\n    Name   modify\n    Match  *\n    Rename log message' },
  },
  'unrouted-input': {
    severity: 'warning',
    doc: 'An input whose records no output matches; they would be dropped.',
    fix: 'Give the input a Tag that an output\'s Match covers, or widen the Match.',
    example: {
      wrong: '[INPUT]\n    Name dummy\n    Tag  app\n\n[OUTPUT]\n    Name  stdout\n    Match web',
      right: '[INPUT]\n    Name dummy\n    Tag  app\n\n[OUTPUT]\n    Name  stdout\n    Match app',
    },
  },
  'unmatched-route': {
    severity: 'warning',
    doc: 'A filter or output whose Match/Match_Regex no input tag can produce.',
    fix: 'Fix the Match pattern (`*` matches any text, dots included) or the inputs\' Tag.',
    example: {
      wrong: '[INPUT]\n    Name dummy\n    Tag  app\n\n[OUTPUT]\n    Name  stdout\n    Match *\n\n[OUTPUT]\n    Name  null\n    Match kube.*',
      right: '[INPUT]\n    Name dummy\n    Tag  app\n\n[OUTPUT]\n    Name  stdout\n    Match *',
    },
  },
  'unknown-output': {
    severity: 'error',
    doc: 'A conditional route (an input\'s `routes`) names an output the configuration does not have (by alias, instance name such as stdout.0, or plugin name).',
    fix: 'Name an output of `pipeline.outputs`, or give the output that `alias`.',
    example: {
      wrong: 'pipeline:\n  inputs:\n    - name: dummy\n      routes:\n        logs:\n          - name: all\n            condition: {default: true}\n            to: {outputs: [archive]}\n  outputs:\n    - name: stdout',
      right: 'pipeline:\n  inputs:\n    - name: dummy\n      routes:\n        logs:\n          - name: all\n            condition: {default: true}\n            to: {outputs: [archive]}\n  outputs:\n    - name: stdout\n      alias: archive',
      lang: 'yaml',
    },
  },
  'no-match': {
    severity: 'warning',
    doc: 'A filter or output with neither Match nor Match_Regex; Fluent Bit never sends it anything.',
    fix: 'Add `Match <pattern>` (`Match *` for every record).',
    example: {
      wrong: '[INPUT]\n    Name dummy\n\n[FILTER]\n    Name modify\n    Add  env prod\n\n[OUTPUT]\n    Name  stdout\n    Match *',
      right: '[INPUT]\n    Name dummy\n\n[FILTER]\n    Name  modify\n    Match *\n    Add   env prod\n\n[OUTPUT]\n    Name  stdout\n    Match *',
    },
  },
  'no-output': {
    severity: 'warning',
    doc: 'A configuration without any [OUTPUT]; every record is dropped.',
    fix: 'Add an [OUTPUT] whose Match covers the inputs.',
    example: { wrong: '[INPUT]\n    Name dummy', right: '[INPUT]\n    Name dummy\n\n[OUTPUT]\n    Name  stdout\n    Match *' },
  },
  'ineffective-option': {
    severity: 'warning',
    doc: 'An option that does nothing in this configuration, e.g. cloudwatch_logs metric_namespace when no cpu or mem input is routed to the output.',
    fix: 'Remove the option, or route to the plugin what the option acts on.',
    example: {
      wrong: '[INPUT]\n    Name dummy\n\n[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    region            us-east-1\n    log_group_name    app\n    log_stream_prefix app-\n    metric_namespace  App',
      right: '[INPUT]\n    Name dummy\n\n[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    region            us-east-1\n    log_group_name    app\n    log_stream_prefix app-',
    },
  },
  'lossy-conversion': {
    severity: 'warning',
    doc: 'logferry convert: a part of the configuration the target format cannot hold exactly; it is left out or changed.',
    fix: 'Check the converted file where the message points and rewrite that part by hand.',
    example: { wrong: '[INPUT]\n    Name dummy\n\n[CUSTOM_THING]\n    key value', right: '[INPUT]\n    Name dummy' },
  },
  'invalid-configmap': {
    severity: 'error',
    doc: 'A Kubernetes ConfigMap manifest that cannot be read or that Kubernetes rejects (YAML errors, data values that are not strings).',
    fix: 'Make every data value a string: use a block scalar (`|`) for configuration files.',
    example: {
      lang: 'yaml',
      wrong: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fluent-bit-config\ndata:\n  fluent-bit.conf:\n    Name: dummy',
      right: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fluent-bit-config\ndata:\n  fluent-bit.conf: |\n    [INPUT]\n        Name dummy',
    },
  },
  'configmap-not-checked': {
    severity: 'info',
    doc: 'A ConfigMap that is not the Fargate aws-logging one and holds no Fluent Bit configuration (no fluent-bit.conf key, or the --main key); its data is not validated.',
    fix: 'Nothing to fix if the ConfigMap holds no Fluent Bit configuration; otherwise name its main key fluent-bit.conf or pass --main <key>.',
    example: {
      lang: 'yaml',
      wrong: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fluent-bit-config\ndata:\n  main.conf: |\n    [INPUT]\n        Name dummy',
      right: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fluent-bit-config\ndata:\n  fluent-bit.conf: |\n    [INPUT]\n        Name dummy',
    },
  },
  'manifest-not-checked': {
    severity: 'info',
    doc: 'A Kubernetes manifest without a ConfigMap (a DaemonSet, RBAC objects...): it holds no Fluent Bit configuration to check.',
    fix: 'Nothing to fix; give validate the manifest that holds the ConfigMap.',
    example: {
      lang: 'yaml',
      wrong: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: fluent-bit',
      right: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fluent-bit-config\ndata:\n  fluent-bit.conf: |\n    [INPUT]\n        Name dummy',
    },
  },
  'fargate-section-not-allowed': {
    severity: 'error',
    doc: 'Fargate: a section other than [FILTER], [OUTPUT], [PARSER] (or @INCLUDE/@SET), or a section under the wrong data key.',
    fix: 'Fargate owns the inputs and the service: keep only filters in filters.conf, outputs in output.conf, parsers in parsers.conf.',
    example: {
      lang: 'yaml',
      wrong: 'data:\n  output.conf: |\n    [INPUT]\n        Name tail\n    [OUTPUT]\n        Name  cloudwatch_logs\n        Match *',
      right: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name  cloudwatch_logs\n        Match *',
    },
  },
  'fargate-plugin-not-allowed': {
    severity: 'error',
    doc: 'Fargate: a filter or output plugin the Fargate log router does not accept.',
    fix: 'Use a plugin Fargate supports: outputs es, firehose, kinesis_firehose, cloudwatch, cloudwatch_logs, kinesis, kinesis_streams, opensearch; filters grep, parser, record_modifier, rewrite_tag, throttle, nest, modify, kubernetes.',
    example: {
      lang: 'yaml',
      wrong: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name  stdout\n        Match *',
      right: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name              cloudwatch_logs\n        Match             *\n        region            us-east-1\n        log_group_name    app\n        log_stream_prefix app-',
    },
  },
  'fargate-no-output': {
    severity: 'error',
    doc: 'Fargate: the configuration has no [OUTPUT]; Fargate disables logging.',
    fix: 'Add an output.conf data key with an [OUTPUT].',
    example: {
      lang: 'yaml',
      wrong: 'data:\n  filters.conf: |\n    [FILTER]\n        Name  grep\n        Match *\n        Regex log error',
      right: 'data:\n  filters.conf: |\n    [FILTER]\n        Name  grep\n        Match *\n        Regex log error\n  output.conf: |\n    [OUTPUT]\n        Name  cloudwatch_logs\n        Match *',
    },
  },
  'fargate-key-not-allowed': {
    severity: 'error',
    doc: 'Fargate: a data key other than filters.conf, output.conf, parsers.conf, flb_log_cw; a bad flb_log_cw; or a service-owned Kube_* key.',
    fix: 'Use only the data keys filters.conf, output.conf, parsers.conf and flb_log_cw ("true" or "false").',
    example: {
      lang: 'yaml',
      wrong: 'data:\n  outputs.conf: |\n    [OUTPUT]\n        Name  cloudwatch_logs\n        Match *',
      right: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name  cloudwatch_logs\n        Match *',
    },
  },
  'fargate-env-not-allowed': {
    severity: 'error',
    doc: 'Fargate: a ${VAR} reference; the aws-logging ConfigMap may not use variables.',
    fix: 'Write the value itself.',
    example: {
      lang: 'yaml',
      wrong: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name   cloudwatch_logs\n        Match  *\n        region ${AWS_REGION}',
      right: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name   cloudwatch_logs\n        Match  *\n        region us-east-1',
    },
  },
  'fargate-too-large': {
    severity: 'error',
    doc: 'Fargate: the data values of the aws-logging ConfigMap total more than 5,300 characters.',
    fix: 'Shorten the configuration: remove comments and unneeded filters, use shorter parser regexes.',
    example: {
      lang: 'yaml',
      wrong: 'data:\n  filters.conf: |\n    # ... 5,000 characters of comments ...\n    [FILTER]\n        Name  grep\n        Match *\n        Regex log error',
      right: 'data:\n  filters.conf: |\n    [FILTER]\n        Name  grep\n        Match *\n        Regex log error',
    },
  },
  'fargate-namespace': {
    severity: 'warning',
    doc: 'Fargate: the ConfigMap is not aws-logging in the namespace aws-observability (labelled aws-observability: enabled); Fargate ignores it.',
    fix: 'Name the ConfigMap aws-logging, in the namespace aws-observability labelled aws-observability: enabled.',
    example: {
      lang: 'yaml',
      wrong: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-logging\n  namespace: default',
      right: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-logging\n  namespace: aws-observability',
    },
  },
  'internal-error': {
    severity: 'error',
    doc: 'logferry failed while checking this file (a bug in logferry: please report it with the file); what it had found so far is listed.',
    fix: `Report it at ${PROJECT_URL}/issues with the file (secrets removed); the configuration itself may be fine.`,
  },
  'fargate-missing-match': {
    severity: 'error',
    doc: 'Fargate: a [FILTER] or [OUTPUT] without Match; Fargate requires Name and Match in each.',
    fix: 'Add `Match <pattern>` to the section.',
    example: {
      lang: 'yaml',
      wrong: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name cloudwatch_logs',
      right: 'data:\n  output.conf: |\n    [OUTPUT]\n        Name  cloudwatch_logs\n        Match *',
    },
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function defaultSeverity(code: DiagnosticCode): 'error' | 'warning' | 'info' {
  return DIAGNOSTIC_CODES[code].severity;
}

/** The code's entry with its optional fields visible (the `as const` table narrows them away). */
export function codeInfo(code: DiagnosticCode): CodeInfo {
  return DIAGNOSTIC_CODES[code];
}

/** The anchor of a code in docs/diagnostics.md: its heading is the code itself. */
export function codeHelpUri(code: DiagnosticCode): string {
  return `${DIAGNOSTICS_DOC_URL}#${code}`;
}

/** A code's help as plain text: the fix, then the wrong and right examples. */
export function codeHelpText(code: DiagnosticCode): string {
  const info = codeInfo(code);
  const indent = (s: string) => s.replace(/^/gm, '    ');
  if (!info.example) return info.fix;
  return `${info.fix}\n\nWrong:\n${indent(info.example.wrong)}\n\nRight:\n${indent(info.example.right)}`;
}

/** A code's help as Markdown: the fix, then the wrong and right examples as fenced blocks. */
export function codeHelpMarkdown(code: DiagnosticCode): string {
  const info = codeInfo(code);
  if (!info.example) return info.fix;
  const lang = info.example.lang ?? 'ini';
  return `${info.fix}\n\nWrong:\n\n\`\`\`${lang}\n${info.example.wrong}\n\`\`\`\n\nRight:\n\n\`\`\`${lang}\n${info.example.right}\n\`\`\``;
}
