import type { OptionsOfTable } from '../../../options/define.js';
import { opt, unsupportedWhen } from '../../../options/kinds.js';

/** Values of `json_date_format` shared by outputs that print JSON. */
export const JSON_DATE_FORMATS = ['double', 'java_sql_timestamp', 'iso8601', 'epoch', 'epoch_ms', 'epoch_millis', 'epoch_milliseconds'] as const;

/** The options of `stdout` (its own keys; defineOutput merges the common ones). */
export const STDOUT_OPTIONS = {
  format: unsupportedWhen(
    opt.enum({
      values: ['msgpack', 'json', 'json_lines', 'json_stream', 'otlp_json', 'otlp_json_pretty'] as const,
      doc: 'How records are printed: msgpack (readable dump, the default), json, json_lines, json_stream, otlp_json, otlp_json_pretty',
    }),
    {
      when: (f) => f === 'otlp_json' || f === 'otlp_json_pretty',
      values: 'otlp_json or otlp_json_pretty',
      reason: 'OTLP JSON is not implemented; records are printed as json_lines',
      severity: 'warning',
    },
  ),
  json_date_format: opt.enum({ values: JSON_DATE_FORMATS, default: 'double', doc: 'How the record time is written in JSON formats' }),
  json_date_key: opt.string({ default: 'date', doc: 'Key of the record time in JSON formats; false or off leaves it out' }),
  workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
} as const;

/** The typed options the `stdout` runtime receives (common keys included). */
export type StdoutOptions = OptionsOfTable<'output', typeof STDOUT_OPTIONS>;

