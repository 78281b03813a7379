import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { notActedOn, opt } from '../../../options/kinds.js';

/** `lib`: hands records to a callback of the embedding program (Fluent Bit `out_lib`). */
export default defineOutput({
  name: 'lib',
  description: 'Hand records to a callback registered by the embedding program',
  options: {
    format: notActedOn(
      opt.enum({ values: ['msgpack', 'json'] as const, doc: 'Encoding of the data given to the callback: msgpack (default) or json' }),
      'the embedding program receives records as objects, not encoded',
    ),
    max_records: opt.int({ doc: 'Deliver at most this many records of each flushed chunk; the rest are dropped (unset or 0 = all)' }),
    data_mode: notActedOn(
      opt.enum({
        values: ['single_record', 'chunk'] as const,
        default: 'single_record',
        doc: 'Call the callback once per record (single_record) or once per chunk (chunk)',
      }),
      'the embedding program receives each flushed batch (onLibRecords)',
    ),
  },
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./lib-output.js')).LibOutput(options, ctx),
});
