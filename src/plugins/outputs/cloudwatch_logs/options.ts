import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import type { PlanInstance } from '../../../config/plan/types.js';
import { opt, unsupportedWhen } from '../../../options/kinds.js';
import type { OptionTable } from '../../../options/spec.js';
import { emfKind } from './emf-inputs.js';
import { parseNameTemplate } from './names.js';
import { AWS_CREDENTIAL_KEYS } from '../shared/aws-options.js';

/** An `ineffective-option` warning for each EMF key that is set: `<key> <why>`. */
function reportEmfKeys(o: { readonly metric_namespace?: string | undefined; readonly metric_dimensions?: string | undefined }, ctx: CheckContext, why: string, hint: string): void {
  for (const key of ['metric_namespace', 'metric_dimensions'] as const) {
    if (o[key] !== undefined) ctx.report('ineffective-option', `${key} ${why}`, { key, hint });
  }
}

/** Retention periods (days) that CloudWatch Logs PutRetentionPolicy accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const logGroupClass = opt.enum({
  values: ['STANDARD', 'INFREQUENT_ACCESS'] as const,
  default: 'STANDARD',
  doc: 'Storage class of log groups this output creates: STANDARD or INFREQUENT_ACCESS',
});

const autoRetryRequests = opt.bool({
  default: 'true',
  doc: 'Retry a failed API request once immediately, before the normal retry schedule (only Off/False disable it)',
});

/** The options of `cloudwatch_logs` (its own keys; defineOutput merges the common ones). */
export const CLOUDWATCH_LOGS_OPTIONS = {
  region: opt.string({ required: true, doc: 'AWS region of the log group' }),
  log_group_name: opt.string({ required: true, doc: 'Log group to write to (also the fallback when log_group_template cannot be resolved)' }),
  log_group_template: opt.string({ doc: 'Record-accessor template for the log group name, e.g. $kubernetes[\'namespace_name\']' }),
  log_stream_name: opt.string({ doc: 'Log stream to write to (set this or log_stream_prefix)' }),
  log_stream_prefix: opt.string({ doc: 'Log stream name is this prefix followed by the record tag (set this or log_stream_name)' }),
  log_stream_template: opt.string({ doc: 'Record-accessor template for the log stream name; falls back to log_stream_name/prefix' }),
  log_key: opt.string({ doc: 'Send only the value of this record key instead of the whole record as JSON' }),
  log_format: opt.string({ doc: 'Format announced to CloudWatch in the x-amzn-logs-format header, e.g. json/emf' }),
  extra_user_agent: opt.string({ doc: 'Text appended to the User-Agent header (meant for AWS-provided configurations)' }),
  ...AWS_CREDENTIAL_KEYS,
  endpoint: opt.string({ doc: 'Custom CloudWatch Logs endpoint (default logs.<region>.amazonaws.com; https:// is stripped)' }),
  auto_create_group: opt.bool({ default: 'false', doc: 'Create the log group when it does not exist (streams are always created)' }),
  auto_retry_requests: {
    ...autoRetryRequests,
    // The plugin reads the raw text and only turns retries off for `off` or `false`, so `no` keeps them on.
    parse(text: string) {
      const r = autoRetryRequests.parse(text);
      if (r.ok && !r.value && !/^(off|false)$/i.test(text.trim())) {
        return { ok: true, value: true, warning: `cloudwatch_logs only disables auto_retry_requests for Off or False; '${text}' leaves it On` };
      }
      return r;
    },
  },
  log_retention_days: opt.int({ default: '0', doc: 'Retention set on log groups this output creates (0 = leave unchanged)' }),
  log_group_class: {
    ...logGroupClass,
    // Fluent Bit compares the class case-sensitively, so `standard` is refused at startup.
    parse(text: string) {
      const r = logGroupClass.parse(text);
      if (r.ok && text.trim() !== text.trim().toUpperCase()) {
        return { ok: false, message: `'${text}' is not one of STANDARD, INFREQUENT_ACCESS`, hint: `Fluent Bit compares it case-sensitively: write ${text.trim().toUpperCase()}` };
      }
      return r;
    },
  },
  metric_namespace: opt.string({ doc: 'Namespace of the embedded metric format (EMF) events that records of cpu and mem inputs become (default fluent-bit-metrics)' }),
  metric_dimensions: opt.string({ doc: 'Dimension sets of those EMF events: record keys separated by commas, sets by semicolons (a,b;c)' }),
  add_entity: unsupportedWhen(opt.bool({ default: 'false', doc: 'Attach entity information (service, environment) to PutLogEvents calls' }), {
    when: (v) => v,
    values: 'On',
    reason: 'events are sent without entity information',
    severity: 'warning',
  }),
  workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
} as const satisfies OptionTable;

/** The typed options the `cloudwatch_logs` runtime receives (common keys included). */
export type CloudwatchLogsOptions = OptionsOfTable<'output', typeof CLOUDWATCH_LOGS_OPTIONS>;

/** Cross-key rules of `cloudwatch_logs` (the definition's `check`). */
export function checkCloudwatchLogs(o: CloudwatchLogsOptions, ctx: CheckContext): void {
  if (o.log_key !== undefined) {
    reportEmfKeys(o, ctx, 'has no effect with log_key: Fluent Bit sends the log_key value of every record, cpu and mem records included, never EMF', 'remove log_key to send cpu and mem records as EMF');
  }
  const hasName = o.log_stream_name !== undefined;
  const hasPrefix = o.log_stream_prefix !== undefined;
  if (hasName && hasPrefix) {
    ctx.report('conflicting-keys', 'log_stream_name and log_stream_prefix cannot both be set', {
      key: 'log_stream_prefix',
      hint: 'Fluent Bit refuses to start; keep exactly one of them',
    });
  } else if (!hasName && !hasPrefix) {
    ctx.report('conflicting-keys', 'one of log_stream_name or log_stream_prefix is required', {
      hint:
        o.log_stream_template !== undefined
          ? 'Fluent Bit requires one even with log_stream_template, as the fallback stream'
          : 'Fluent Bit refuses to start; set log_stream_name or log_stream_prefix',
    });
  }
  for (const key of ['log_group_template', 'log_stream_template'] as const) {
    const text = o[key];
    if (text === undefined) continue;
    const r = parseNameTemplate(text);
    if (!r.ok) ctx.report('invalid-value', `${key}: ${r.message}`, { key, hint: "write record keys as $key['sub']['subsub']" });
  }
  const days = o.log_retention_days;
  if (days !== 0 && !LOG_RETENTION_DAYS.includes(days)) {
    if (days < 0) {
      ctx.report('invalid-value', `log_retention_days ${days} is negative; no retention policy is set`, {
        key: 'log_retention_days',
        severity: 'warning',
        hint: 'use 0 to leave retention unchanged',
      });
    } else {
      ctx.report('invalid-value', `log_retention_days ${days} is not a retention period CloudWatch Logs accepts`, {
        key: 'log_retention_days',
        hint: `use 0 or one of ${LOG_RETENTION_DAYS.join(', ')}`,
      });
    }
  }
}

/** Rules on what reaches this output of `cloudwatch_logs` (the definition's `checkRoutes`). */
export function checkCloudwatchLogsRoutes(o: CloudwatchLogsOptions, inputs: readonly PlanInstance<'input'>[], ctx: CheckContext): void {
  if (o.log_key !== undefined) return;
  if (inputs.some((i) => emfKind(i.plugin) !== undefined)) return;
  reportEmfKeys(
    o,
    ctx,
    'only applies to records of cpu and mem inputs, and none is routed to this output; its records are sent as JSON logs',
    inputs.length > 0 ? `inputs routed here: ${inputs.map((i) => `${i.displayName} (${i.plugin})`).join(', ')}` : "add a cpu or mem input whose Tag this output's Match covers",
  );
}

