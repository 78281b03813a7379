import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { KINESIS_FIREHOSE_OPTIONS, checkKinesisFirehose } from './options.js';

/** `kinesis_firehose`: sends records to Amazon Data Firehose with PutRecordBatch (Fluent Bit `out_kinesis_firehose`). */
export default defineOutput({
  name: 'kinesis_firehose',
  description: 'Send records to an Amazon Data Firehose delivery stream',
  options: KINESIS_FIREHOSE_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./firehose-output.js')).FirehoseOutput(options, ctx),
  check: checkKinesisFirehose,
});
