import type { OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { JSON_DATE_FORMATS } from '../stdout/options.js';

/** The options of `null` (its own keys; defineOutput merges the common ones). */
export const NULL_OPTIONS = {
  format: opt.enum({
    values: ['msgpack', 'json', 'json_lines', 'json_stream'] as const,
    doc: 'Encode records in this format before discarding them (benchmarks the encoder); msgpack skips encoding',
  }),
  json_date_format: opt.enum({ values: JSON_DATE_FORMATS, default: 'double', doc: 'How the record time is written when format is a JSON format' }),
  json_date_key: opt.string({ default: 'date', doc: 'Key of the record time when format is a JSON format; false or off leaves it out' }),
  workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
} as const;

/** The typed options the `null` runtime receives (common keys included). */
export type NullOptions = OptionsOfTable<'output', typeof NULL_OPTIONS>;

