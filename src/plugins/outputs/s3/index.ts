import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { S3_OPTIONS, checkS3 } from './options.js';

/** `s3`: buffers records in store_dir and uploads them to Amazon S3 as files (Fluent Bit `out_s3`). */
export default defineOutput({
  name: 's3',
  description: 'Upload records to Amazon S3',
  options: S3_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./s3-output.js')).S3Output(options, ctx),
  check: checkS3,
});
