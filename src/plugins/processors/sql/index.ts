import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { SQL_OPTIONS } from './options.js';

/** The `sql` processor (YAML `processors`, logs): keeps the records a WHERE condition selects, with the keys SELECT names. */
export default defineFilter({
  name: 'sql',
  description: 'Processor: select records (WHERE) and keys (SELECT, with AS aliases) with an SQL query',
  options: SQL_OPTIONS,
  create: async (options): Promise<FilterRuntime> => new (await import('./sql-processor.js')).SqlProcessor(options.query),
});
