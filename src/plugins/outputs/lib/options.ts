import type { OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt } from '../../../options/kinds.js';

/** The options of `lib` (its own keys; defineOutput merges the common ones). */
export const LIB_OPTIONS = {
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
} as const;

/** The typed options the `lib` runtime receives (common keys included). */
export type LibOptions = OptionsOfTable<'output', typeof LIB_OPTIONS>;

