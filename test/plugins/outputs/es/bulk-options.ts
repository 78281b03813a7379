import es from '../../../../src/plugins/outputs/es/index.js';
import type { BulkOptions } from '../../../../src/plugins/outputs/es/options.js';
import { tableOptions } from '../../../support/check.js';

/** es output options at their defaults (index fluent-bit, no logstash format, no id), as the plan gives them. */
export const BASE: BulkOptions = tableOptions(es.options);
