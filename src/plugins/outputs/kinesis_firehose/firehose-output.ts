import { randomBytes } from 'node:crypto';
import type { PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import type { EventBatch } from '../../../record/event.js';
import { recordsOf } from '../../../record/batch.js';
import type { FlushAttempt, FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import { PipelineError } from '../../../errors.js';
import { awsClientConfig, toDeliveryError } from '../shared/aws-client.js';
import { endpointResolver } from '../shared/aws-endpoints.js';
import { AwsJsonClient, BodyWriters, FIREHOSE_SERVICE, parseAnswer } from '../shared/aws-json-client.js';
import { ChunkProgress, chunkKey } from '../shared/chunk-progress.js';
import { compressor, type Compress } from '../shared/compression.js';
import { putRecordBatchBody } from '../shared/record-batch-body.js';
import { RecordLines } from '../shared/record-json.js';
import { aggregateRecords, compressRecords, type RecordDatas } from '../shared/record-batches.js';
import { ByteWriter } from '../shared/record-bytes.js';
import { dropSettled, noneFailed, settleRecords, unsettled, zeroCountKey } from '../shared/record-results.js';
import { MAX_RECORD_BYTES, cutRecordBatches } from './batcher.js';
import type { KinesisFirehoseOptions } from './options.js';

/** A chunk's Firehose records and which of them Firehose has accepted (or were finally dropped). */
interface ChunkState {
  readonly records: RecordDatas;
  readonly done: Uint8Array;
  left: number;
  /** Log events per record with simple_aggregation (one each without). */
  readonly events?: Uint32Array | undefined;
}

/** What is read of a PutRecordBatch answer. */
type PutRecordBatchAnswer = Partial<Pick<PutRecordBatchCommandOutput, 'FailedPutCount' | 'RequestResponses'>>;

/** An answer in which no record failed: its per-record results are not read. */
const NONE_FAILED = zeroCountKey('FailedPutCount');
const ALL_ACCEPTED: PutRecordBatchAnswer = { FailedPutCount: 0 };

/** PutRecordBatch requests in flight at once per flush. */
const CONCURRENT_REQUESTS = 4;

/**
 * Fluent Bit's `kinesis_firehose` output: each record becomes one Firehose record (its JSON, or the
 * log_key value; time_key spliced in; a newline appended; optionally compressed), sent with
 * PutRecordBatch in batches of at most 500 records and 4 MiB. When Firehose fails some records of
 * a batch (FailedPutCount > 0) the chunk is retried with only those records, in order: records it
 * accepted are never sent again. Up to 4 requests of a chunk are in flight at once.
 */
export class FirehoseOutput implements OutputRuntime {
  private readonly client: AwsJsonClient;
  private readonly compress: Compress | undefined;
  private readonly progress: ChunkProgress<ChunkState>;
  private readonly lines: RecordLines;
  /** Where record data and request bodies are written (each before any await). */
  private readonly scratch = new ByteWriter();
  /** Request bodies' writers, one per request in flight, reused once a request has closed. */
  private readonly bodies = new BodyWriters(CONCURRENT_REQUESTS);
  private stopped = false;

  constructor(
    private readonly o: KinesisFirehoseOptions,
    private readonly ctx: OutputContext,
  ) {
    const name = ctx.displayName;
    if (this.o.time_key !== undefined && this.o.log_key !== undefined) throw new PipelineError(`kinesis_firehose ${name}: time_key and log_key cannot be used together`);
    this.compress = compressor(this.o.compression, `kinesis_firehose ${name}`);
    this.lines = new RecordLines(this.o);
    const config = awsClientConfig(this.o, `logferry-${randomBytes(6).toString('hex')}`);
    // The SDK's Firehose client is loaded only where the standard rule does not settle the endpoint (it sends nothing).
    const sdk = async () => new (await import('@aws-sdk/client-firehose')).FirehoseClient(config);
    this.client = new AwsJsonClient(config, FIREHOSE_SERVICE, endpointResolver('firehose', config, sdk));
    this.progress = new ChunkProgress();
  }

  async flush(batch: EventBatch, attempt: FlushAttempt): Promise<FlushResult> {
    if (this.stopped) return { status: 'retry', reason: 'output stopped' };
    const { state } = this.progress.begin(chunkKey(batch), () => this.prepare(batch));
    const batches = cutRecordBatches(unsettled(state), (i) => state.records.size(i));
    let next = 0;
    let failure: string | undefined;
    let stop = false;
    // A few requests in flight at once: Firehose keeps no order between requests anyway, and the
    // next request is built while the service answers the previous one.
    const lane = async () => {
      while (!stop && next < batches.length) {
        const problem = await this.sendBatch(state, batches[next++]!);
        if (problem === undefined) continue;
        failure ??= problem.message;
        if (problem.stop) stop = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_REQUESTS, batches.length) }, lane));
    const complete = state.left === 0;
    this.progress.end(chunkKey(batch), complete, attempt);
    if (complete) return { status: 'ok' };
    return { status: 'retry', reason: failure ?? `${state.left} records not delivered` };
  }

  /**
   * One PutRecordBatch: marks the records Firehose accepted. Returns what went wrong: some records
   * failed (retry them later), or the request failed retryably (`stop`: throttled or unavailable,
   * send nothing more now). A request Firehose can never accept drops its records with the reason.
   */
  private async sendBatch(state: ChunkState, indexes: readonly number[]): Promise<{ message: string; stop: boolean } | undefined> {
    const { writer, use } = this.bodies.next();
    try {
      const body = putRecordBatchBody(this.o.delivery_stream, state.records, indexes, writer);
      const answer = await this.client.sendForBytes('PutRecordBatch', body, use);
      const out = (noneFailed(answer, NONE_FAILED) ? ALL_ACCEPTED : parseAnswer(answer)) as PutRecordBatchAnswer;
      const results = out.RequestResponses ?? [];
      const { failed, firstError } = settleRecords(state, indexes, results, out.FailedPutCount ?? 0, this.ctx.counters);
      return failed > 0 ? { message: `PutRecordBatch: ${failed} of ${indexes.length} records failed (${firstError})`, stop: false } : undefined;
    } catch (err) {
      const d = toDeliveryError(err, 'PutRecordBatch');
      if (d.retryable) return { message: d.message, stop: true };
      dropSettled(state, indexes, this.ctx, `delivery stream ${this.o.delivery_stream}`, d.message);
      return undefined;
    } finally {
      use.finish();
    }
  }

  forget(id: string): void {
    this.progress.forget(id);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.client.destroy();
  }

  /**
   * The data of each record, written from the chunk's bytes (RecordLines: JSON or the log_key value,
   * time_key spliced in, newline appended), one after another in one Buffer; then packed
   * (simple_aggregation) and compressed.
   */
  private prepare(batch: EventBatch): ChunkState {
    const w = this.scratch;
    const joined = this.o.simple_aggregation || this.compress !== undefined;
    const { datas: written, missing, empty, tooLarge } = this.lines.datas(recordsOf(batch), w, MAX_RECORD_BYTES, !joined);
    let datas = written;
    if (missing > 0) this.ctx.counters.drop(`log_key '${this.o.log_key}' not found in the record`, missing);
    if (empty > 0) this.ctx.counters.drop('empty record', empty);
    if (tooLarge > 0) {
      this.ctx.counters.drop('record larger than 1,000 KiB (Firehose limit)', tooLarge);
      this.ctx.log.warn(`${tooLarge} record(s) larger than 1,000 KiB, the most Firehose accepts, dropped`);
    }
    let perRecord: Uint32Array | undefined;
    if (this.o.simple_aggregation && datas.count > 1) ({ records: datas, events: perRecord } = aggregateRecords(datas, MAX_RECORD_BYTES));
    if (this.compress) datas = compressRecords(datas, this.compress, w);
    return { records: datas, done: new Uint8Array(datas.count), left: datas.count, events: perRecord };
  }
}
