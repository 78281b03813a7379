import type { BulkOptions } from '../../../../src/plugins/outputs/es/bulk.js';

/** es output options at their defaults (index fluent-bit, no logstash format, no id). */
export const BASE: BulkOptions = {
  index: 'fluent-bit',
  type: '_doc',
  suppress_type_name: false,
  logstash_format: false,
  logstash_prefix: 'logstash',
  logstash_prefix_separator: '-',
  logstash_dateformat: '%Y.%m.%d',
  time_key: '@timestamp',
  time_key_format: '%Y-%m-%dT%H:%M:%S',
  time_key_nanos: false,
  include_tag_key: false,
  tag_key: 'flb-key',
  generate_id: false,
  write_operation: 'create',
  replace_dots: false,
  current_time_index: false,
};
