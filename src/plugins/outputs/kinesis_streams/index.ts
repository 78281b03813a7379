import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { KINESIS_STREAMS_OPTIONS, checkKinesisStreams } from './options.js';

/** `kinesis_streams`: sends records to Kinesis Data Streams with PutRecords (Fluent Bit `out_kinesis_streams`). */
export default defineOutput({
  name: 'kinesis_streams',
  description: 'Send records to an Amazon Kinesis data stream',
  options: KINESIS_STREAMS_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => (await import('./records.js')).createStreamsOutput(options, ctx),
  check: checkKinesisStreams,
});
