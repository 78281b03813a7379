import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { OPENSEARCH_OPTIONS, checkBulkOptions } from '../es/options.js';

/**
 * `opensearch`: indexes records with the Bulk API (Fluent Bit `out_opensearch`, a fork of `out_es`);
 * options and runtime live with the es output (src/plugins/outputs/es/).
 */
export default defineOutput({
  name: 'opensearch',
  description: 'Index records into OpenSearch (or Amazon OpenSearch Service / Serverless) with the Bulk API',
  options: OPENSEARCH_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => (await import('../es/es-output.js')).BulkOutput.open(options, ctx, 'opensearch'),
  check: checkBulkOptions,
});
