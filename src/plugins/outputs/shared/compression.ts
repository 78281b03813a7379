/**
 * Per-record compression of the Fluent Bit AWS outputs (`flb_aws_compression`): the `compression`
 * option as Fluent Bit parses it, and the compressor it names. The option tables load this module
 * for every config, so node:zlib is taken only when a compression is asked for (bench/NOTES.md,
 * "Builtins loaded at start").
 */
import { PipelineError } from '../../../errors.js';
import { opt, unsupportedWhen } from '../../../options/kinds.js';

export type AwsCompression = 'gzip' | 'zstd' | 'snappy';
export type Compress = (data: Buffer) => Buffer;

const zlib = () => process.getBuiltinModule('node:zlib');

/** node:zlib's zstd compressor: Node.js 22.15 on. */
const zstdCompressSync = () => (zlib() as unknown as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;

const compression = unsupportedWhen(
  opt.enum({
    values: ['gzip', 'zstd', 'snappy'] as const,
    doc: 'Compress each record individually before sending: gzip, zstd or snappy',
  }),
  { when: (c) => c === 'snappy', values: 'snappy', reason: 'logferry has no snappy implementation; use gzip', severity: 'error' },
  { when: (c) => c === 'zstd' && typeof zstdCompressSync() !== 'function', values: 'zstd on Node.js older than 22.15', reason: 'zstd needs Node.js 22.15 or later (node:zlib zstd); use gzip or a newer Node.js', severity: 'error' },
);

/** The `compression` option of kinesis_firehose and kinesis_streams. */
export const awsCompressionOption = {
  ...compression,
  // Fluent Bit matches the keyword case-sensitively; `arrow` only existed in builds with Apache Arrow.
  parse(text: string) {
    const t = text.trim();
    if (t.toLowerCase() === 'arrow') {
      return {
        ok: false as const,
        message: `compression '${text}' is not available`,
        hint: 'arrow needed a Fluent Bit build with Apache Arrow and current Fluent Bit no longer accepts it here; use gzip, zstd or snappy',
      };
    }
    const r = compression.parse(text);
    if (r.ok && t !== t.toLowerCase()) {
      return { ok: false as const, message: `'${text}' is not one of gzip, zstd, snappy`, hint: `Fluent Bit compares it case-sensitively: write ${t.toLowerCase()}` };
    }
    return r;
  },
};

/**
 * The compressor for `compression` (undefined: none); zstd needs a Node.js whose zlib has it,
 * snappy is not available. `label` names the instance in the error (e.g. `kinesis_firehose fh.0`).
 */
export function compressor(kind: AwsCompression | undefined, label: string): Compress | undefined {
  switch (kind) {
    case undefined:
      return undefined;
    case 'gzip': {
      const z = zlib();
      return (data) => z.gzipSync(data);
    }
    case 'zstd': {
      const zstd = zstdCompressSync();
      // Declared unsupported in the option table (a plan error) when Node.js lacks it: unreachable from `run`.
      if (typeof zstd !== 'function') {
        throw new PipelineError(`${label}: compression zstd needs Node.js 22.15 or later (node:zlib zstd); this is ${process.version}. Use gzip or a newer Node.js`);
      }
      return (data) => zstd(data);
    }
    default:
      // snappy: declared unsupported in the option table (a plan error), so unreachable from `run`.
      throw new PipelineError(`${label}: compression ${kind} is not available in logferry (no snappy implementation); use gzip`);
  }
}
