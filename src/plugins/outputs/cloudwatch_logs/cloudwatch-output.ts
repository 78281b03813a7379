import { randomBytes } from 'node:crypto';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutRetentionPolicyCommand,
  type LogGroupClass,
  type PutLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { EventBatch, LogRecord } from '../../../record/event.js';
import { recordsOf } from '../../../record/batch.js';
import type { FlushAttempt, FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import { DeliveryError, PipelineError } from '../../../errors.js';
import { awsClientConfig, withoutSdkLogging, isServiceError, toDeliveryError } from '../shared/aws-client.js';
import { AwsJsonClient, BodyWriters, CLOUDWATCH_LOGS_SERVICE } from '../shared/aws-json-client.js';
import { ChunkProgress, chunkKey } from '../shared/chunk-progress.js';
import { RecordCursor } from '../shared/record-bytes.js';
import { planBatches, type CwBatch } from './batcher.js';
import { EventTable } from './event-table.js';
import { MessageReader, messageSlot, type MessageOutcome } from './messages.js';
import { emfKind } from './emf-inputs.js';
import { emfMessage, parseDimensions, type EmfSettings } from './emf.js';
import { parseNameTemplate, renderName, type NameTemplate } from './names.js';
import { putLogEventsBody } from './put-body.js';
import type { CloudwatchLogsOptions } from './options.js';

/** Fluent Bit forgets a created stream 4 hours after its last use (and creates it again if needed). */
const STREAM_TTL_MS = 4 * 3600 * 1000;

/** Request bodies kept for the next requests (a flush sends one body at a time; chunks flush concurrently). */
const SPARE_WRITERS = 2;

/** A chunk's events, its batches (ranges of `order`) and which of them CloudWatch Logs has (sent or finally dropped). */
interface ChunkState {
  readonly events: EventTable;
  readonly order: Int32Array;
  readonly batches: readonly CwBatch[];
  readonly done: boolean[];
  /** Batches not done yet, per stream key. */
  readonly open: Map<string, number>;
}

/** What is read of a PutLogEvents answer. */
type PutLogEventsAnswer = Pick<PutLogEventsCommandOutput, 'rejectedLogEventsInfo'>;

const streamKey = (group: string, stream: string): string => `${group}\u0000${stream}`;

/**
 * Fluent Bit's `cloudwatch_logs` output: each record becomes a log event (the record as JSON, or
 * the log_key value), events go to their (group, stream) in PutLogEvents batches within the API
 * limits. Streams (and with auto_create_group, groups) are created on first use. A chunk whose
 * batch k fails is retried by the engine from batch k: what was delivered is not sent again, and
 * a later chunk of the same stream waits for it (FlushResult `wait`: no attempt counted, no
 * backoff; the engine brings it back when the earlier chunk has had an answer or ended), so each
 * stream receives its lines once and in order. With Retry_Limit 1 or none a chunk does not wait:
 * sending out of order beats dropping.
 */
export class CloudWatchLogsOutput implements OutputRuntime {
  /** Control-plane calls (CreateLogGroup, CreateLogStream, PutRetentionPolicy). */
  private readonly client: CloudWatchLogsClient;
  /** PutLogEvents. */
  private readonly data: AwsJsonClient;
  private readonly groupTemplate: NameTemplate | undefined;
  private readonly streamTemplate: NameTemplate | undefined;
  private readonly fixedStream: string | undefined;
  private readonly emf: EmfSettings;
  /** Streams known to exist: key -> expiry (ms). */
  private readonly streams = new Map<string, number>();
  /** Stream creations under way, so concurrent flushes create a stream once. */
  private readonly creating = new Map<string, Promise<void>>();
  /** Groups whose retention this output has set. */
  private readonly retentionSet = new Set<string>();
  private readonly progress: ChunkProgress<ChunkState>;
  private readonly messages: MessageReader;
  private readonly message = messageSlot();
  /** Writers of request bodies not in use: a body is sent from its writer's memory until its requests close. */
  private readonly writers = new BodyWriters(SPARE_WRITERS);
  private truncationLogged = false;
  private stopped = false;

  constructor(
    private readonly o: CloudwatchLogsOptions,
    private readonly ctx: OutputContext,
  ) {
    const name = ctx.displayName;
    const template = (text: string | undefined, key: string): NameTemplate | undefined => {
      if (text === undefined) return undefined;
      const r = parseNameTemplate(text);
      if (!r.ok) throw new PipelineError(`cloudwatch_logs ${name}: ${key}: ${r.message}`);
      return r.template;
    };
    this.groupTemplate = template(this.o.log_group_template, 'log_group_template');
    this.streamTemplate = template(this.o.log_stream_template, 'log_stream_template');
    if (this.o.log_stream_name === undefined && this.o.log_stream_prefix === undefined) {
      throw new PipelineError(`cloudwatch_logs ${name}: one of log_stream_name or log_stream_prefix is required`);
    }
    this.fixedStream = this.o.log_stream_name;
    this.messages = new MessageReader(this.o.log_key);
    this.emf = { namespace: this.o.metric_namespace, dimensions: parseDimensions(this.o.metric_dimensions) };
    const config = awsClientConfig(this.o, `logferry-${randomBytes(6).toString('hex')}`);
    this.client = new CloudWatchLogsClient(config);
    withoutSdkLogging(this.client);
    const format: Record<string, string> = this.o.log_format !== undefined && this.o.log_format !== '' ? { 'x-amzn-logs-format': this.o.log_format } : {};
    this.data = new AwsJsonClient(config, CLOUDWATCH_LOGS_SERVICE, this.client, format);
    this.progress = new ChunkProgress();
  }

  async flush(batch: EventBatch, attempt: FlushAttempt): Promise<FlushResult> {
    if (this.stopped) return { status: 'retry', reason: 'output stopped' };
    const id = chunkKey(batch);
    const { state, seq } = this.progress.begin(id, () => this.prepare(batch));
    let failure: DeliveryError | undefined;
    let waitingFor: string | undefined;
    const blocked = new Set<string>();
    for (let i = 0; i < state.batches.length; i++) {
      if (state.done[i]) continue;
      const b = state.batches[i]!;
      const key = streamKey(b.group, b.stream);
      if (blocked.has(key)) continue;
      // Keep each stream in order: while an earlier chunk still owes this stream events, wait for
      // it, as long as Retry_Limit leaves this chunk two more attempts (one to send, one should
      // sending fail); else sending out of order beats dropping. Waiting uses up no attempt.
      if (attempt.retriesLeft >= 2 && this.earlierChunkOwes(seq, key)) {
        blocked.add(key);
        waitingFor ??= `${b.group}/${b.stream}`;
        continue;
      }
      try {
        await this.send(state, b);
      } catch (err) {
        const d = toDeliveryError(err, 'PutLogEvents');
        if (d.retryable) {
          failure = d;
          break;
        }
        this.ctx.counters.drop(`error: ${d.message}`, b.end - b.start);
        this.ctx.log.error(`${b.end - b.start} events for ${b.group}/${b.stream} dropped: ${d.message}`);
      }
      state.done[i] = true;
      const left = (state.open.get(key) ?? 1) - 1;
      if (left > 0) state.open.set(key, left);
      else state.open.delete(key);
    }
    if (state.open.size === 0) {
      this.progress.end(id, true, attempt);
      return { status: 'ok' };
    }
    if (failure) {
      this.progress.end(id, false, attempt);
      return { status: 'retry', reason: failure.message };
    }
    // Nothing failed: the rest waits for an earlier chunk, which uses up no attempt.
    return { status: 'wait', reason: `waiting for an earlier chunk of log stream ${waitingFor ?? '?'} to be delivered first` };
  }

  forget(id: string): void {
    this.progress.forget(id);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.client.destroy();
    this.data.destroy();
  }

  private earlierChunkOwes(seq: number, key: string): boolean {
    for (const p of this.progress.pending()) if (p.seq < seq && p.state.open.has(key)) return true;
    return false;
  }

  /**
   * The chunk's events as batches: message, timestamp and destination of each record. Records of a
   * cpu or mem input become EMF events unless log_key is set (Fluent Bit's process_log_events).
   *
   * The message is read from the chunk's bytes (messages.ts), cut at 256 KiB as Fluent Bit cuts
   * it. Only EMF events and name templates decode a record (records.event(i)), that record alone.
   */
  private prepare(batch: EventBatch): ChunkState {
    const { tag } = batch;
    const o = this.o;
    const records = recordsOf(batch);
    const cursor = new RecordCursor(records);
    const emf = o.log_key === undefined ? emfKind(batch.inputPlugin) : undefined;
    const templates = this.groupTemplate !== undefined || this.streamTemplate !== undefined;
    const fixedStream = this.fixedStream ?? `${o.log_stream_prefix ?? ''}${tag}`;
    const events = new EventTable(records.bytes, records.count);
    const streamIndex = new Map<string, number>();
    let missingKey = 0;
    let empty = 0;
    let truncated = 0;
    const m = this.message;
    for (let i = 0; i < records.count; i++) {
      cursor.at(i);
      const record: LogRecord | undefined = emf !== undefined || templates ? records.event(i).record : undefined;
      let outcome: MessageOutcome;
      if (emf !== undefined) {
        const doc = Buffer.from(emfMessage(record!, records.time(i), emf, this.emf), 'utf8');
        outcome = this.messages.read(doc, 0, doc.length, m, true);
      } else {
        outcome = this.messages.read(cursor.bytes, cursor.from, cursor.to, m);
      }
      if (outcome === 'missing') missingKey++;
      if (outcome === 'empty') empty++;
      if (outcome !== 'found') continue;
      if (m.truncated) truncated++;
      let stream = 0;
      if (templates) {
        const group = (this.groupTemplate && renderName(this.groupTemplate, tag, record!)) ?? o.log_group_name;
        const name = (this.streamTemplate && renderName(this.streamTemplate, tag, record!)) ?? fixedStream;
        const key = streamKey(group, name);
        let k = streamIndex.get(key);
        if (k === undefined) {
          k = events.streams.length;
          streamIndex.set(key, k);
          events.streams.push({ group, stream: name });
        }
        stream = k;
      } else if (events.streams.length === 0) {
        events.streams.push({ group: o.log_group_name, stream: fixedStream });
      }
      events.push(cursor.ms(), m, stream);
    }
    if (missingKey > 0) {
      this.ctx.counters.drop(`log_key '${o.log_key}' not found in the record`, missingKey);
      this.ctx.log.debug(`${missingKey} record(s) without log_key '${o.log_key}' skipped`);
    }
    if (empty > 0) this.ctx.counters.drop('empty message', empty);
    if (truncated > 0) {
      this.ctx.counters.add('truncated_records', truncated);
      if (!this.truncationLogged) {
        this.truncationLogged = true;
        this.ctx.log.warn(`truncating events larger than 256 KiB (CloudWatch Logs' limit) to 262,118 bytes as escaped in the request; counted in truncated_records`);
      }
    }
    const { order, batches } = planBatches(events);
    const open = new Map<string, number>();
    for (const b of batches) {
      const key = streamKey(b.group, b.stream);
      open.set(key, (open.get(key) ?? 0) + 1);
    }
    return { events, order, batches, done: batches.map(() => false), open };
  }

  /** PutLogEvents for one batch; a stream that vanished is created again and the batch resent once. */
  private async send(state: ChunkState, b: CwBatch): Promise<void> {
    await this.ensureStream(b.group, b.stream);
    const { writer: w, use } = this.writers.next();
    const body = putLogEventsBody(b.group, b.stream, state.events, state.order, b.start, b.end, w);
    const put = () => this.data.send('PutLogEvents', body, use) as Promise<PutLogEventsAnswer>;
    const n = b.end - b.start;
    let out: PutLogEventsAnswer;
    try {
      out = await put();
    } catch (err) {
      if (isServiceError(err, 'DataAlreadyAcceptedException')) {
        this.ctx.counters.delivered(n);
        return;
      }
      if (!isServiceError(err, 'ResourceNotFoundException')) throw err;
      this.ctx.log.warn(`log stream ${b.stream} in group ${b.group} not found; creating it again`);
      this.streams.delete(streamKey(b.group, b.stream));
      await this.ensureStream(b.group, b.stream);
      out = await put();
    } finally {
      use.finish();
    }
    // Events CloudWatch took are delivered now: a later failure of this chunk does not undo them.
    this.ctx.counters.delivered(n - this.countRejected(b, out));
  }

  /** Events CloudWatch Logs refused (too old, too new, older than retention) are drops with a reason. */
  private countRejected(b: CwBatch, out: PutLogEventsAnswer): number {
    const r = out.rejectedLogEventsInfo;
    if (!r) return 0;
    const n = b.end - b.start;
    const expired = Math.min(n, Math.max(0, r.expiredLogEventEndIndex ?? 0));
    const tooOld = Math.min(n, Math.max(0, r.tooOldLogEventEndIndex ?? 0));
    const tooNewStart = r.tooNewLogEventStartIndex;
    let rejected = 0;
    if (expired > 0) {
      this.ctx.counters.drop('rejected by CloudWatch Logs: older than the log group retention', expired);
      rejected += expired;
    }
    if (tooOld > expired) {
      this.ctx.counters.drop('rejected by CloudWatch Logs: too old (over 14 days)', tooOld - expired);
      rejected += tooOld - expired;
    }
    if (tooNewStart !== undefined && tooNewStart < n) {
      const from = Math.max(tooNewStart, Math.max(expired, tooOld));
      if (n > from) {
        this.ctx.counters.drop('rejected by CloudWatch Logs: too far in the future (over 2 hours)', n - from);
        rejected += n - from;
      }
    }
    if (rejected > 0) this.ctx.log.warn(`CloudWatch Logs rejected ${rejected} of ${n} events for ${b.group}/${b.stream} (timestamps out of range)`);
    return rejected;
  }

  private async ensureStream(group: string, stream: string): Promise<void> {
    const key = streamKey(group, stream);
    const now = Date.now();
    const expiry = this.streams.get(key);
    if (expiry !== undefined && expiry > now) {
      this.streams.set(key, now + STREAM_TTL_MS);
      return;
    }
    let pending = this.creating.get(key);
    if (!pending) {
      pending = this.createStream(group, stream).finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    await pending;
    this.streams.set(key, Date.now() + STREAM_TTL_MS);
  }

  private async createStream(group: string, stream: string): Promise<void> {
    const create = () => this.client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    try {
      await create();
      this.ctx.log.info(`created log stream ${stream} in log group ${group}`);
    } catch (err) {
      if (isServiceError(err, 'ResourceAlreadyExistsException')) return;
      if (!isServiceError(err, 'ResourceNotFoundException')) throw toDeliveryError(err, 'CreateLogStream');
      if (!this.o.auto_create_group) {
        throw new DeliveryError(`log group ${group} does not exist and auto_create_group is off`, { retryable: true, serviceError: 'ResourceNotFoundException', cause: err });
      }
      await this.createGroup(group);
      try {
        await create();
        this.ctx.log.info(`created log stream ${stream} in log group ${group}`);
      } catch (again) {
        if (!isServiceError(again, 'ResourceAlreadyExistsException')) throw toDeliveryError(again, 'CreateLogStream');
      }
    }
  }

  /** CreateLogGroup (an existing group is fine), then PutRetentionPolicy once if log_retention_days is set. */
  private async createGroup(group: string): Promise<void> {
    // The option table's enum hands the value over in lower case.
    const cls = String(this.o.log_group_class ?? 'STANDARD').toUpperCase() as LogGroupClass;
    try {
      await this.client.send(new CreateLogGroupCommand({ logGroupName: group, ...(cls !== 'STANDARD' ? { logGroupClass: cls } : {}) }));
      this.ctx.log.info(`created log group ${group} with storage class ${cls}`);
    } catch (err) {
      if (!isServiceError(err, 'ResourceAlreadyExistsException')) throw toDeliveryError(err, 'CreateLogGroup');
      if (cls === 'INFREQUENT_ACCESS') this.ctx.log.warn(`log group ${group} already exists; its storage class was not set by this output`);
    }
    const days = this.o.log_retention_days;
    if (days > 0 && !this.retentionSet.has(group)) {
      try {
        await this.client.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: days }));
      } catch (err) {
        throw toDeliveryError(err, 'PutRetentionPolicy');
      }
      this.retentionSet.add(group);
      this.ctx.log.info(`set retention of log group ${group} to ${days} days`);
    }
  }
}
