import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { OptionTable } from '../../../options/spec.js';
import { JSON_DATE_FORMATS } from '../stdout/options.js';
import { HTTP_UNSUPPORTED_NET } from '../shared/net-options.js';

const format = opt.enum({
  values: ['json', 'json_lines', 'json_stream'] as const,
  default: 'json',
  doc: 'Body format: json (an array of records), json_lines (one record per line) or json_stream (records back to back)',
});

/** The options of `http` (its own keys; defineOutput merges the common ones). */
export const HTTP_OPTIONS = {
  ...HTTP_UNSUPPORTED_NET,
  host: opt.string({ default: '127.0.0.1', doc: 'Host of the HTTP endpoint' }),
  port: opt.int({ min: 0, max: 65535, default: '80', doc: 'Port of the HTTP endpoint' }),
  uri: opt.string({ default: '/', doc: 'Path of the request (a leading / is added when missing)' }),
  http_method: opt.enum({ values: ['POST', 'PUT'] as const, default: 'POST', doc: 'Request method: POST or PUT' }),
  format: {
    ...format,
    parse(text: string) {
      const t = text.trim().toLowerCase();
      if (t === 'msgpack' || t === 'gelf') {
        return { ok: false, message: `format ${t} is not supported by logferry's http output`, hint: 'use json, json_lines or json_stream' };
      }
      return format.parse(text);
    },
  },
  header: opt.string({ multiple: true, doc: 'Extra request header, `Name value`; repeat the key for several' }),
  header_tag: opt.string({ doc: 'Send the record tag in this request header' }),
  http_user: opt.string({ doc: 'Basic authentication user' }),
  http_passwd: opt.string({ default: '', doc: 'Basic authentication password' }),
  compress: opt.enum({ values: ['gzip'] as const, doc: 'Compress the body: gzip' }),
  json_date_key: opt.string({ default: 'date', doc: 'Key of the record time in the JSON body; false or off leaves it out' }),
  json_date_format: opt.enum({ values: JSON_DATE_FORMATS, default: 'double', doc: 'How the record time is written (double, epoch, epoch_ms, iso8601, java_sql_timestamp)' }),
  allow_duplicated_headers: opt.bool({ default: 'true', doc: 'Allow a header set twice (header entries) to be sent twice' }),
  log_response_payload: opt.bool({ default: 'true', doc: 'Log the response body of failed requests' }),
  'http.response_timeout': opt.time({ default: '60s', doc: 'Longest wait for the response' }),
  proxy: opt.unsupported({ doc: 'HTTP proxy (http://host:port)', reason: 'requests go directly to host:port' }),
  body_key: opt.unsupported({ doc: 'Record key whose value is the request body', reason: 'every request carries the whole batch' }),
  headers_key: opt.unsupported({ doc: 'Record key holding request headers', reason: 'headers come from the header option only' }),
  aws_auth: opt.bool({ default: 'false', doc: 'Sign requests with AWS SigV4 (needs aws_service)' }),
  aws_service: opt.string({ doc: 'AWS service code in the SigV4 signature (e.g. es, aps, execute-api)' }),
  // FLB_AWS_CREDENTIAL_BASE_CONFIG_MAP("aws_"): where the signing credentials come from.
  aws_region: opt.string({ doc: 'AWS region in the SigV4 signature' }),
  aws_sts_endpoint: opt.string({ doc: 'Custom STS endpoint used to assume aws_role_arn' }),
  aws_role_arn: opt.string({ doc: 'IAM role to assume for signing' }),
  aws_external_id: opt.string({ doc: 'External ID passed to STS when assuming aws_role_arn' }),
  aws_profile: opt.string({ doc: 'Profile of the shared AWS config/credentials files used for signing' }),
  workers: opt.int({ default: '2', min: 0, doc: 'Worker threads flushing this output' }),
} as const satisfies OptionTable;

/** The typed options the `http` runtime receives (common keys included). */
export type HttpOptions = OptionsOfTable<'output', typeof HTTP_OPTIONS>;

/** Cross-key rules of `http` (the definition's `check`). */
export function checkHttp(o: HttpOptions, ctx: CheckContext): void {
  if (o.aws_auth && o.aws_service === undefined) {
    ctx.report('missing-required', 'aws_auth option requires aws_service to be set', { key: 'aws_auth', hint: 'the service code the endpoint signs for, e.g. aws_service es' });
  }
  for (const h of o.header ?? []) {
    if (!/^\S+\s+\S/.test(h)) {
      ctx.report('invalid-value', `header '${h}' must be a name and a value separated by a space`, { key: 'header', hint: 'e.g. Header X-Team platform' });
    }
  }
}

