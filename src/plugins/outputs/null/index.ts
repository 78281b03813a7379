import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { JSON_DATE_FORMATS } from '../stdout/index.js';

/** `null`: discards every record (Fluent Bit `out_null`). */
export default defineOutput({
  name: 'null',
  description: 'Discard records',
  options: {
    format: opt.enum({
      values: ['msgpack', 'json', 'json_lines', 'json_stream'] as const,
      doc: 'Encode records in this format before discarding them (benchmarks the encoder); msgpack skips encoding',
    }),
    json_date_format: opt.enum({ values: JSON_DATE_FORMATS, doc: 'How the record time is written when format is a JSON format (default double)' }),
    json_date_key: opt.string({ default: 'date', doc: 'Key of the record time when format is a JSON format; false or off leaves it out' }),
    workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
  },
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./null-output.js')).NullOutput(options, ctx),
});
