import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { awsRecordOptions, checkTimeKeyWithLogKey } from '../shared/record-options.js';

/** `kinesis_firehose`: sends records to Amazon Data Firehose with PutRecordBatch (Fluent Bit `out_kinesis_firehose`). */
export default defineOutput({
  name: 'kinesis_firehose',
  description: 'Send records to an Amazon Data Firehose delivery stream',
  options: {
    region: opt.string({ required: true, doc: 'AWS region of the delivery stream' }),
    delivery_stream: opt.string({ required: true, doc: 'Name of the Firehose delivery stream' }),
    ...awsRecordOptions({ endpoint: 'Custom Firehose endpoint (default firehose.<region>.amazonaws.com; https:// is stripped)', record: 'Firehose' }),
  },
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./firehose-output.js')).FirehoseOutput(options, ctx),
  check: checkTimeKeyWithLogKey('time_key and log_key cannot be used together'),
});
