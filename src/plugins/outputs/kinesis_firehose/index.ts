import { defineOutput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';

const compression = opt.enum({
  values: ['gzip', 'zstd', 'snappy'] as const,
  doc: 'Compress each record individually before sending: gzip, zstd or snappy',
});

/** `kinesis_firehose`: sends records to Amazon Data Firehose with PutRecordBatch (Fluent Bit `out_kinesis_firehose`). */
export default defineOutput({
  name: 'kinesis_firehose',
  description: 'Send records to an Amazon Data Firehose delivery stream',
  create: async (ctx) => new (await import('./firehose-output.js')).FirehoseOutput(ctx),
  options: {
    region: opt.string({ required: true, doc: 'AWS region of the delivery stream' }),
    delivery_stream: opt.string({ required: true, doc: 'Name of the Firehose delivery stream' }),
    time_key: opt.string({ doc: 'Add the record time to each record under this key (not with log_key)' }),
    time_key_format: opt.string({
      default: '%Y-%m-%dT%H:%M:%S',
      doc: 'strftime format of the time_key value; %3N adds milliseconds, %9N or %L nanoseconds',
    }),
    log_key: opt.string({ doc: 'Send only the value of this record key instead of the whole record as JSON (not with time_key)' }),
    compression: {
      ...compression,
      // Fluent Bit matches the keyword case-sensitively; `arrow` only existed in builds with Apache Arrow.
      parse(text: string) {
        const t = text.trim();
        if (t.toLowerCase() === 'arrow') {
          return {
            ok: false,
            message: `compression '${text}' is not available`,
            hint: 'arrow needed a Fluent Bit build with Apache Arrow and current Fluent Bit no longer accepts it here; use gzip, zstd or snappy',
          };
        }
        const r = compression.parse(text);
        if (r.ok && t !== t.toLowerCase()) {
          return { ok: false, message: `'${text}' is not one of gzip, zstd, snappy`, hint: `Fluent Bit compares it case-sensitively: write ${t.toLowerCase()}` };
        }
        return r;
      },
    },
    endpoint: opt.string({ doc: 'Custom Firehose endpoint (default firehose.<region>.amazonaws.com; https:// is stripped)' }),
    role_arn: opt.string({ doc: 'IAM role to assume for the API calls' }),
    external_id: opt.string({ doc: 'External ID passed to STS when assuming role_arn' }),
    sts_endpoint: opt.string({ doc: 'Custom STS endpoint used to assume role_arn' }),
    profile: opt.string({ doc: 'Profile of the shared AWS config/credentials files to use' }),
    auto_retry_requests: opt.bool({ default: 'true', doc: 'Retry a failed API request once immediately, before the normal retry schedule' }),
    simple_aggregation: opt.bool({ default: 'false', doc: 'Pack several records into one Firehose record to cut the number of records sent' }),
    workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
  },
  check(o, ctx) {
    if (o.time_key !== undefined && o.log_key !== undefined) {
      ctx.report('conflicting-keys', 'time_key and log_key cannot be used together', {
        key: 'time_key',
        hint: 'Fluent Bit refuses to start; log_key sends a bare value, to which no time field can be added',
      });
    }
  },
});
