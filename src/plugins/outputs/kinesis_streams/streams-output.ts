import { KinesisClient, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import type { EventBatch } from '../../../record/event.js';
import type { FlushAttempt, FlushResult, OutputRuntime, PluginServices } from '../../../engine/plugin.js';
import { putRecordsBody } from '../shared/record-batch-body.js';
import { awsClientConfig, toDeliveryError, type AwsOptions } from '../shared/aws-client.js';
import { AwsJsonClient, BodyWriters, KINESIS_SERVICE, parseAnswer } from '../shared/aws-json-client.js';
import { ChunkProgress, chunkKey } from '../shared/chunk-progress.js';
import { dropSettled, noneFailed, settleRecords, unsettled, zeroCountKey } from '../shared/record-results.js';
import type { RecordDatas } from '../shared/record-batches.js';
import { ByteWriter } from '../shared/record-bytes.js';
import { cutPutRecordsBatches } from './batcher.js';
import { randomName } from './partition-key.js';

/** A chunk's Kinesis records: their data, and partition key, in order. */
export interface KinesisRecords {
  readonly datas: RecordDatas;
  readonly partitionKeys: readonly string[];
  /** The log events each record carries, when some carry more than one (simple_aggregation). */
  readonly events?: Uint32Array | undefined;
}

/**
 * Turns a chunk into PutRecords records, in order, writing their data through `w`; what it
 * cannot send it counts with `drop(reason, count)`. Each output flavour (Fluent Bit's
 * kinesis_streams, the AWS Go plugin kinesis) has its own.
 */
export type KinesisEncoder = (batch: EventBatch, w: ByteWriter, drop: (reason: string, count: number) => void) => KinesisRecords;

export interface KinesisStreamsSettings {
  /** `<plugin> <instance>` for messages. */
  readonly label: string;
  readonly stream: string;
  readonly aws: AwsOptions;
  /** Timeout of one request in ms (default 60 s). */
  readonly requestTimeoutMs?: number;
  readonly encode: KinesisEncoder;
}

/** A chunk's entries and which of them Kinesis has accepted (or were finally dropped). */
interface ChunkState extends KinesisRecords {
  /** Data plus partition key bytes of each record (what counts towards the request limit). */
  readonly sizes: Uint32Array;
  readonly done: Uint8Array;
  left: number;
  /** Log events per entry when some entry packs several (simple_aggregation). */
  readonly events?: Uint32Array | undefined;
}

/** What is read of a PutRecords answer. */
type PutRecordsAnswer = Partial<Pick<PutRecordsCommandOutput, 'FailedRecordCount' | 'Records'>>;

const THROUGHPUT_EXCEEDED = 'ProvisionedThroughputExceededException';
/** An answer in which no record failed: its per-record results are not read. */
const NONE_FAILED = zeroCountKey('FailedRecordCount');
const ALL_ACCEPTED: PutRecordsAnswer = { FailedRecordCount: 0 };

/**
 * Sends records to a Kinesis data stream with PutRecords, one request at a time in record order
 * as Fluent Bit does, in batches of at most 500 records and 5 MiB (data plus partition keys). When
 * Kinesis fails some records of a request (FailedRecordCount > 0) the chunk is retried with only
 * those records, in their order: records Kinesis accepted are never sent again.
 */
export class KinesisStreamsOutput implements OutputRuntime {
  private readonly client: AwsJsonClient;
  private readonly progress: ChunkProgress<ChunkState>;
  /** Where record data and request bodies are written (each before any await). */
  private readonly scratch = new ByteWriter();
  /** Request bodies' writers (one request at a time, in order), reused once a request has closed. */
  private readonly bodies = new BodyWriters(2);
  private stopped = false;

  constructor(
    private readonly ctx: PluginServices,
    private readonly settings: KinesisStreamsSettings,
  ) {
    const config = awsClientConfig(settings.aws, randomName(32));
    if (settings.requestTimeoutMs !== undefined) config.requestHandler.requestTimeout = settings.requestTimeoutMs;
    // PutRecords goes over HTTP/1.1 as Fluent Bit sends it; the SDK client only resolves the endpoint.
    this.client = new AwsJsonClient(config, KINESIS_SERVICE, new KinesisClient(config));
    this.progress = new ChunkProgress();
  }

  async flush(batch: EventBatch, attempt: FlushAttempt): Promise<FlushResult> {
    if (this.stopped) return { status: 'retry', reason: 'output stopped' };
    const key = chunkKey(batch);
    const { state } = this.progress.begin(key, () => this.prepare(batch));
    let failure: string | undefined;
    for (const indexes of cutPutRecordsBatches(unsettled(state), (i) => state.sizes[i]!)) {
      const problem = await this.send(state, indexes);
      if (problem === undefined) continue;
      failure ??= problem.message;
      // Throttled or unavailable: send nothing more of this chunk now, the engine retries later.
      if (problem.stop) break;
    }
    const complete = state.left === 0;
    this.progress.end(key, complete, attempt);
    if (complete) return { status: 'ok' };
    return { status: 'retry', reason: failure ?? `${state.left} records not delivered` };
  }

  /**
   * One PutRecords call: marks the records Kinesis accepted. Returns what went wrong: some records
   * failed (retried later), or the request failed retryably (`stop`). A request Kinesis can never
   * accept drops its records with the reason.
   */
  private async send(state: ChunkState, indexes: readonly number[]): Promise<{ message: string; stop: boolean } | undefined> {
    const { stream } = this.settings;
    const { writer, use } = this.bodies.next();
    try {
      const body = putRecordsBody(stream, state.datas, state.partitionKeys, indexes, writer);
      const answer = await this.client.sendForBytes('PutRecords', body, use);
      const out = (noneFailed(answer, NONE_FAILED) ? ALL_ACCEPTED : parseAnswer(answer)) as PutRecordsAnswer;
      const results = out.Records ?? [];
      const { failed, firstError, codes } = settleRecords(state, indexes, results, out.FailedRecordCount ?? 0, this.ctx.counters);
      const throttled = codes.has(THROUGHPUT_EXCEEDED);
      if (throttled) this.ctx.log.warn(`throughput limits of stream ${stream} may have been exceeded`);
      return failed > 0 ? { message: `PutRecords: ${failed} of ${indexes.length} records failed (${firstError})`, stop: false } : undefined;
    } catch (err) {
      const d = toDeliveryError(err, 'PutRecords');
      if (d.retryable) {
        if (d.serviceError === THROUGHPUT_EXCEEDED) this.ctx.log.warn(`throughput limits of stream ${stream} may have been exceeded`);
        return { message: d.message, stop: true };
      }
      dropSettled(state, indexes, this.ctx, `stream ${stream}`, d.message);
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

  private prepare(batch: EventBatch): ChunkState {
    const records = this.settings.encode(batch, this.scratch, (reason, count) => this.ctx.counters.drop(reason, count));
    const { datas, partitionKeys } = records;
    const sizes = new Uint32Array(datas.count);
    for (let i = 0; i < datas.count; i++) sizes[i] = datas.size(i) + Buffer.byteLength(partitionKeys[i]!, 'utf8');
    return { ...records, sizes, done: new Uint8Array(datas.count), left: datas.count };
  }
}
