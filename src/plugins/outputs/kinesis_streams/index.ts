import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { awsRecordOptions, checkTimeKeyWithLogKey } from '../shared/record-options.js';

/** `kinesis_streams`: sends records to Kinesis Data Streams with PutRecords (Fluent Bit `out_kinesis_streams`). */
export default defineOutput({
  name: 'kinesis_streams',
  description: 'Send records to an Amazon Kinesis data stream',
  options: {
    region: opt.string({ required: true, doc: 'AWS region of the Kinesis data stream' }),
    stream: opt.string({ required: true, doc: 'Name of the Kinesis data stream' }),
    ...awsRecordOptions({ endpoint: 'Custom Kinesis endpoint (default kinesis.<region>.amazonaws.com; https:// is stripped; Port applies)', record: 'Kinesis' }),
  },
  create: async (options, ctx): Promise<OutputRuntime> => (await import('./records.js')).createStreamsOutput(options, ctx),
  check: checkTimeKeyWithLogKey("'time_key' and 'log_key' can not be used together"),
});
