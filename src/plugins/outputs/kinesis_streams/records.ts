/**
 * Records as Fluent Bit's kinesis_streams sends them (kinesis_api.c `process_event`): the record's
 * JSON (or the log_key value), time_key spliced in before the closing brace, a newline appended;
 * empty records and records of MAX_EVENT_SIZE or more discarded; optionally packed
 * (simple_aggregation) and compressed; a random partition key per record.
 */
import { PipelineError } from '../../../errors.js';
import { compressor } from '../shared/compression.js';
import { aggregateRecords } from '../shared/record-batches.js';
import { recordLine } from '../shared/record-json.js';
import { MAX_EVENT_BYTES } from './batcher.js';
import { RandomPartitionKeys } from './partition-key.js';
import type { OutputContext } from '../../../engine/plugin.js';
import type { KinesisStreamsOptions } from './options.js';
import { KinesisStreamsOutput, type KinesisEncoder, type KinesisEntry } from './streams-output.js';

/** The kinesis_streams options as its table types them. */
export type StreamsOptions = KinesisStreamsOptions;

export const TOO_LARGE = 'record larger than 1 MiB less 20 bytes for the partition key (Kinesis limit)';

/** The encoder of Fluent Bit's kinesis_streams. */
export function fluentBitEncoder(o: StreamsOptions, label: string): KinesisEncoder {
  const compress = compressor(o.compression, label);
  const keys = new RandomPartitionKeys();
  return (events, tag, drop) => {
    const datas: Buffer[] = [];
    let missing = 0;
    let empty = 0;
    let tooLarge = 0;
    for (const e of events) {
      const t = recordLine(e, o);
      if (t === undefined) missing++;
      else if (t === '') empty++;
      else {
        const data = Buffer.from(t, 'utf8');
        if (data.length >= MAX_EVENT_BYTES) tooLarge++;
        else datas.push(data);
      }
    }
    if (missing > 0) drop(`log_key '${o.log_key}' not found in the record`, missing);
    if (empty > 0) drop('empty record', empty);
    if (tooLarge > 0) drop(TOO_LARGE, tooLarge);
    let records = datas;
    let perRecord: Uint32Array | undefined;
    if (o.simple_aggregation && datas.length > 1) ({ records, events: perRecord } = aggregateRecords(datas, MAX_EVENT_BYTES));
    const entries: KinesisEntry[] = [];
    let compressedTooLarge = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const data = compress ? compress(r) : r;
      const n = perRecord?.[i] ?? 1;
      if (data.length >= MAX_EVENT_BYTES) compressedTooLarge += n;
      else entries.push(n === 1 ? { data, partitionKey: keys.next(tag) } : { data, partitionKey: keys.next(tag), events: n });
    }
    if (compressedTooLarge > 0) drop(TOO_LARGE, compressedTooLarge);
    return entries;
  };
}

/** The kinesis_streams runtime for an instance. */
export function createStreamsOutput(o: StreamsOptions, ctx: OutputContext): KinesisStreamsOutput {
  const label = `kinesis_streams ${ctx.displayName}`;
  if (o.time_key !== undefined && o.log_key !== undefined) throw new PipelineError(`${label}: time_key and log_key cannot be used together`);
  return new KinesisStreamsOutput(ctx, { label, stream: o.stream, aws: o, encode: fluentBitEncoder(o, label) });
}
