import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { ES_OPTIONS, checkBulkOptions } from './options.js';

/**
 * `es` (alias `elasticsearch`): indexes records with the Bulk API (Fluent Bit `out_es`). The
 * opensearch output shares this folder's runtime (src/plugins/outputs/opensearch/index.ts).
 */
export default defineOutput({
  name: 'es',
  description: 'Index records into Elasticsearch (or Amazon OpenSearch Service) with the Bulk API',
  options: ES_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => (await import('./es-output.js')).BulkOutput.open(options, ctx, 'es'),
  check: checkBulkOptions,
});
