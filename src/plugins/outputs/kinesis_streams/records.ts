/**
 * Records as Fluent Bit's kinesis_streams sends them (kinesis_api.c `process_event`): the record's
 * JSON (or the log_key value), time_key spliced in before the closing brace, a newline appended;
 * empty records and records of MAX_EVENT_SIZE or more discarded; optionally packed
 * (simple_aggregation) and compressed; a random partition key per record.
 */
import { PipelineError } from '../../../errors.js';
import { recordsOf } from '../../../record/batch.js';
import { compressor } from '../shared/compression.js';
import { aggregateRecords, RecordDatas } from '../shared/record-batches.js';
import type { ByteWriter } from '../shared/record-bytes.js';
import { RecordLines } from '../shared/record-json.js';
import { MAX_EVENT_BYTES } from './batcher.js';
import { RandomPartitionKeys } from './partition-key.js';
import type { OutputContext } from '../../../engine/plugin.js';
import type { KinesisStreamsOptions } from './options.js';
import { KinesisStreamsOutput, type KinesisEncoder } from './streams-output.js';

/** The kinesis_streams options as its table types them. */
export type StreamsOptions = KinesisStreamsOptions;

export const TOO_LARGE = 'record larger than 1 MiB less 20 bytes for the partition key (Kinesis limit)';

/** The encoder of Fluent Bit's kinesis_streams: record data written from the chunk's bytes (RecordLines). */
export function fluentBitEncoder(o: StreamsOptions, label: string): KinesisEncoder {
  const compress = compressor(o.compression, label);
  const keys = new RandomPartitionKeys();
  const lines = new RecordLines(o);
  return (batch, w, drop) => {
    const joined = o.simple_aggregation || compress !== undefined;
    const { datas: written, missing, empty, tooLarge } = lines.datas(recordsOf(batch), w, MAX_EVENT_BYTES - 1, !joined);
    let datas = written;
    if (missing > 0) drop(`log_key '${o.log_key}' not found in the record`, missing);
    if (empty > 0) drop('empty record', empty);
    if (tooLarge > 0) drop(TOO_LARGE, tooLarge);
    let perRecord: Uint32Array | undefined;
    if (o.simple_aggregation && datas.count > 1) ({ records: datas, events: perRecord } = aggregateRecords(datas, MAX_EVENT_BYTES));
    if (compress) ({ datas, events: perRecord } = compressFitting(datas, perRecord, compress, w, drop));
    const partitionKeys = new Array<string>(datas.count);
    for (let i = 0; i < datas.count; i++) partitionKeys[i] = keys.next(batch.tag);
    return { datas, partitionKeys, events: perRecord };
  };
}

/** Each record compressed on its own; one still MAX_EVENT_BYTES or more is dropped (its log events counted). */
function compressFitting(
  datas: RecordDatas,
  events: Uint32Array | undefined,
  compress: (data: Buffer) => Buffer,
  w: ByteWriter,
  drop: (reason: string, count: number) => void,
): { datas: RecordDatas; events: Uint32Array | undefined } {
  const bounds = new Uint32Array(datas.count + 1);
  bounds[0] = w.pos;
  const kept = events ? new Uint32Array(datas.count) : undefined;
  let n = 0;
  let tooLarge = 0;
  for (let i = 0; i < datas.count; i++) {
    const packed = compress(datas.data(i));
    if (packed.length >= MAX_EVENT_BYTES) {
      tooLarge += events?.[i] ?? 1;
      continue;
    }
    w.copy(packed, 0, packed.length);
    if (kept) kept[n] = events![i]!;
    bounds[++n] = w.pos;
  }
  if (tooLarge > 0) drop(TOO_LARGE, tooLarge);
  return { datas: RecordDatas.contiguous(w.take(), bounds.subarray(0, n + 1)), events: kept?.subarray(0, n) };
}

/** The kinesis_streams runtime for an instance. */
export function createStreamsOutput(o: StreamsOptions, ctx: OutputContext): KinesisStreamsOutput {
  const label = `kinesis_streams ${ctx.displayName}`;
  if (o.time_key !== undefined && o.log_key !== undefined) throw new PipelineError(`${label}: time_key and log_key cannot be used together`);
  return new KinesisStreamsOutput(ctx, { label, stream: o.stream, aws: o, encode: fluentBitEncoder(o, label) });
}
