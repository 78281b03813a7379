import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { KINESIS_OPTIONS, checkKinesis } from './options.js';

/**
 * `kinesis`: the AWS Go plugin amazon-kinesis-streams-for-fluent-bit, which AWS for Fluent Bit
 * images, ECS FireLens and the EKS Fargate log router ship. Same service as kinesis_streams, with
 * the Go plugin's own options and record shape (keys sorted, no newline unless append_newline,
 * partition_key from the record); logferry runs it on the kinesis_streams runtime (go-records.ts).
 */
export default defineOutput({
  name: 'kinesis',
  // Fluent Bit passes every key to the Go plugin, which reads only those it knows.
  unknownKeys: 'ignored',
  description: 'Send records to an Amazon Kinesis data stream (AWS Go plugin amazon-kinesis-streams-for-fluent-bit)',
  options: KINESIS_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => (await import('./go-records.js')).createGoKinesisOutput(options, ctx),
  check: checkKinesis,
});
