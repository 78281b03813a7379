import type { Plan } from '../config/plan/types.js';
import { PipelineError } from '../errors.js';
import { nowNanos, type EventBatch, type LogEvent } from '../record/event.js';
import { openStorage } from './backlog.js';
import { BufferLimits } from './buffer-limits.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { ChunksUp } from './chunks-up.js';
import { Delivery } from './delivery.js';
import { IdleWaiters } from './idle.js';
import { Ingestion } from './ingest.js';
import { createFilters, createInputs, createOutputs, type InstanceParts } from './instances.js';
import { createLogger, normalizeLevel, type Logger, type LogSink } from './logger.js';
import type { Counters, MetricsSnapshot, StorageStatus } from './metrics.js';
import { DeliveryMetrics, type DeliveryStatus } from './monitor/delivery-metrics.js';
import { fluentBitBackoff } from './output-slot.js';
import type { LibInputPort, PluginHost } from './plugin.js';
import { directRoutes, RouteRule, Router } from './router.js';
import type { RawChunkLimits } from './raw-chunks.js';
import { InputSlots, storageStatusOf, type FilterSlot, type PipelineChunk, type Slot } from './slots.js';

export interface PipelineOptions {
  /** Where the agent's own log lines go (default: stderr). */
  logSink?: LogSink;
  /** Where the `stdout` output writes (default: process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** Receives the batches of `lib` outputs; a rejection makes the chunk retry. */
  onLibRecords?: (outputName: string, batch: EventBatch) => void | Promise<void>;
  /** Override the retry wait (tests); default is Fluent Bit's backoff from scheduler.base/cap. */
  retryDelayMs?: (attempt: number) => number;
  /** Called when an input asks the agent to stop (Exit_On_Eof, Samples reached). */
  onDone?: (input: string) => void;
  /** When waiting memory chunks are packed (tests); default RAW_CHUNK_LIMITS. */
  rawChunkLimits?: RawChunkLimits;
}

export type PipelineState = 'created' | 'running' | 'stopping' | 'stopped';

/**
 * Runs a Plan: inputs emit batches, filters run at ingestion, events are buffered in chunks per
 * input and tag, and every `Flush` the chunks go to their outputs, with retries. Delivery is
 * at-least-once: a chunk is released (and its inputs' positions committed) only when every
 * output it routes to is done with it; records that cannot be delivered are counted as dropped
 * with a reason.
 *
 * This class owns the lifecycle (start, stop and Grace, the Flush timer) and what is read of a
 * running pipeline; the roles are its parts: `ingest.ts` (the filter chain), `chunk-buffer.ts`
 * (appends and chunks), `buffer-limits.ts`, `delivery.ts` (dispatch, outcomes, release),
 * `backlog.ts` (storage.path and what a previous run left), `instances.ts` (the plugin runtimes).
 */
export class Pipeline {
  private state: PipelineState = 'created';
  private readonly log: Logger;
  private readonly slots = new InputSlots();
  private filters: FilterSlot[] = [];
  private outputs: Slot[] = [];
  private router: Router<FilterSlot, Slot> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly idle = new IdleWaiters();
  private readonly deliveryMetrics = new DeliveryMetrics();
  private readonly buffer: ChunkBuffer;
  private readonly delivery: Delivery;
  private readonly ingestion: Ingestion;
  private stopPromise: Promise<void> | undefined;
  private readonly libInputs = new Map<string, LibInputPort>();
  private readonly host: PluginHost;
  private startTime: number | undefined;

  constructor(
    readonly plan: Plan,
    private readonly options: PipelineOptions = {},
  ) {
    this.log = createLogger(normalizeLevel(plan.service.log_level), options.logSink);
    this.host = {
      stdout: options.stdout ?? process.stdout,
      attachLibInput: (name, push) => this.libInputs.set(name, push),
      deliverLib: (name, batch) => {
        if (!options.onLibRecords) throw new PipelineError(`lib output '${name}' has no receiver: pass onLibRecords`);
        return options.onLibRecords(name, batch);
      },
    };
    const chunksUp = new ChunksUp<PipelineChunk>();
    // The limits act through delivery (an early flush, a memrb drop), which resumes inputs through them.
    const limits = new BufferLimits(this.slots, chunksUp, () => this.state === 'running', {
      flushInput: (slot) => this.delivery.flushInput(slot),
      release: (chunk, keepFile) => this.delivery.release(chunk, keepFile),
    });
    this.buffer = new ChunkBuffer(chunksUp, limits, this.deliveryMetrics, options.rawChunkLimits);
    this.delivery = new Delivery(this.slots, this.buffer, limits, this.idle, this.deliveryMetrics, (tag, source) => this.router!.route(tag, source).outputs, this.log);
    this.ingestion = new Ingestion(this.slots, this.buffer, limits, this.idle, (tag, source) => this.router!.route(tag, source), () => this.state === 'stopped', this.log);
  }

  /**
   * Pushes records into a `lib` input (the first one, or the one with this name or alias). The tag
   * defaults to the input's Tag. Throws if the configuration has no such lib input; otherwise
   * answers as LibInputPort.push does (false: taken, but the input is over its limit).
   */
  push(records: readonly Record<string, unknown>[] | readonly LogEvent[], options: { tag?: string; input?: string } = {}): boolean {
    const entry = this.libInput(options.input);
    if (!entry) throw new PipelineError(options.input ? `no lib input named '${options.input}'` : 'the configuration has no lib input');
    const now = nowNanos();
    const events = records.map((r) => (isEvent(r) ? r : { time: now, record: r as Record<string, unknown> }));
    return entry.push(options.tag, events);
  }

  /** The lib input with this name or alias (default: the first one), once started. */
  libInput(name?: string): LibInputPort | undefined {
    return name ? this.libInputs.get(name) : this.libInputs.values().next().value;
  }

  get status(): PipelineState {
    return this.state;
  }

  /** Creates every plugin runtime, then starts outputs before inputs. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new PipelineError(`pipeline cannot start: it is ${this.state}`);
    this.state = 'running';
    this.startTime = Date.now();
    const plan = this.plan;
    for (const i of [...plan.inputs, ...plan.filters, ...plan.outputs]) {
      if (!i.supported) throw new PipelineError(`${i.kind} plugin '${i.plugin}' (${i.displayName}) is not supported by logferry; remove it to run this configuration`);
      if (!i.definition?.create) throw new PipelineError(`${i.kind} plugin '${i.plugin}' cannot run in logferry yet (validation only)`);
    }
    const implicitAll = plan.inputs.length === 1 && plan.outputs.length === 1;
    const retryDelay =
      this.options.retryDelayMs ?? fluentBitBackoff(plan.service['scheduler.base'], plan.service['scheduler.cap']);
    const parts: InstanceParts = {
      plan,
      log: this.log,
      host: this.host,
      emitter: (f, settings) => (tag, events) => this.ingestion.emitFromFilter(f, settings, tag, events),
    };

    this.outputs = [];
    await createOutputs(parts, this.outputs, this.delivery.hooks, retryDelay);
    this.filters = [];
    await createFilters(parts, this.filters);
    this.router = new Router(
      this.filters.map((f) => ({ rule: new RouteRule(f.instance), value: f })),
      this.outputs.map((o) => ({ rule: new RouteRule(o.instance, implicitAll), value: o })),
      undefined,
      directRoutes(plan.inputs, (id) => this.outputs.find((o) => o.instance.id === id)),
    );

    const storage = openStorage(plan.service, this.log, this.buffer, this.slots);
    this.delivery.rejected = storage?.rejected;
    this.delivery.backlog = storage?.backlog;
    // The backlog goes to outputs before any new data is read.
    this.flush();
    const flushMs = Math.max(1, plan.service.flush);
    this.flushTimer = setInterval(() => this.flush(), flushMs);

    await createInputs(parts, this.slots.inputs, {
      ingest: (slot, tag, events, committed) => this.ingestion.ingest(slot, tag, events, committed),
      encoded: (slot) => this.ingestion.encodedEmit(slot),
      done: (input) => this.options.onDone?.(input),
      hasStorage: this.buffer.storage !== undefined,
    });
    for (const slot of this.slots.inputs) await slot.runtime!.start();
    this.log.info(`started: ${plan.inputs.length} input(s), ${this.filters.length} filter(s), ${plan.outputs.length} output(s)`);
  }

  /**
   * Stops inputs, flushes everything buffered and waits up to `graceSec` seconds (default
   * [SERVICE] Grace; -1 waits until all is delivered). What is still undelivered then is dropped
   * and counted. Idempotent.
   */
  stop(graceSec: number = this.plan.service.grace, signal?: AbortSignal): Promise<void> {
    this.stopPromise ??= this.doStop(graceSec, signal);
    return this.stopPromise;
  }

  private async doStop(graceSec: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.state === 'created') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    for (const slot of this.slots.inputs) {
      try {
        await slot.runtime?.stop();
      } catch (err) {
        slot.log.error(`stop failed: ${(err as Error).message}`);
      }
    }
    await this.ingestion.drained();
    // Filters stop before the last flush: what they still hold (multiline) is emitted and delivered.
    for (const f of this.filters) {
      try {
        await f.runtime.stop?.();
      } catch (err) {
        this.log.error(`filter ${f.instance.displayName} stop failed: ${(err as Error).message}`);
      }
    }
    await this.ingestion.drained();
    this.flush();
    for (const o of this.outputs) o.hurry();
    const delivered = this.whenIdle();
    if (graceSec >= 0 || signal) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        if (graceSec >= 0) timer = setTimeout(() => resolve('expired'), graceSec * 1000);
        // An aborted stop ends the grace period now (embedding programs: stop({ signal })).
        if (signal?.aborted) resolve('expired');
        signal?.addEventListener('abort', () => resolve('expired'), { once: true });
      });
      const result = await Promise.race([delivered.then(() => 'idle' as const), expired]);
      clearTimeout(timer);
      if (result === 'expired' && this.buffer.bufferedRecords > 0) {
        // Outputs that only wait for a local reader (stdout into a pipe) are not cut off.
        const late = this.outputs.filter((o) => o.backlog > 0);
        const patient = late.filter((o) => o.runtime.deliversPastGrace === true);
        const cutOff = late.filter((o) => o.runtime.deliversPastGrace !== true);
        if (cutOff.length > 0) {
          const kept = this.buffer.counters.get('kept_on_disk_records');
          this.log.warn(`grace period of ${graceSec}s expired with ${this.buffer.bufferedRecords} record(s) undelivered; memory chunks are dropped, filesystem chunks stay on disk`);
          for (const o of cutOff) o.abandon(`shutdown: grace period of ${graceSec}s expired`);
          const nowKept = this.buffer.counters.get('kept_on_disk_records') - kept;
          if (nowKept > 0) this.log.info(`${nowKept} record(s) kept in ${this.buffer.storage!.options.root} for the next start`);
        }
        if (patient.length > 0) {
          this.log.info(`grace period of ${graceSec}s expired: waiting for ${patient.map((o) => o.name).join(', ')} to write what is queued (its reader sets the pace)`);
          await this.whenIdle(patient);
        }
      }
    } else {
      await delivered;
    }
    if (this.flushTimer) clearInterval(this.flushTimer);
    for (const o of this.outputs) await o.runtime.stop?.();
    this.buffer.storage?.close();
    this.state = 'stopped';
    this.log.info('stopped');
  }

  /** Counters of every instance, by display name (Fluent Bit's /api/v1/metrics shape). */
  metrics(): MetricsSnapshot {
    const byName = (items: { name: string; counters: Counters }[]) => Object.fromEntries(items.map((i) => [i.name, i.counters.snapshot()]));
    return {
      input: byName(this.slots.all()),
      filter: byName(this.filters.map((f) => ({ name: f.instance.displayName, counters: f.counters }))),
      output: byName(this.outputs.map((o) => ({ name: o.name, counters: o.counters }))),
      buffered_records: this.buffer.bufferedRecords,
    };
  }

  /** When `start()` was called (ms since the epoch), for uptime. */
  get startedAt(): number | undefined {
    return this.startTime;
  }

  /** Chunks and bytes buffered per input (Fluent Bit's `/api/v1/storage`). */
  storageStatus(): StorageStatus {
    return storageStatusOf(this.slots.all(), this.delivery.inFlight);
  }

  /** Per input and output pair deliveries and latency, and each output's free storage.total_limit_size share. */
  deliveryStatus(): DeliveryStatus {
    return { routes: this.deliveryMetrics.totals(), outputCapacity: Object.fromEntries(this.outputs.map((o) => [o.name, o.availableCapacityPercent])) };
  }

  /** Records dropped before reaching any output (no output matched their tag), by reason. */
  routingDrops(): Record<string, number> {
    return this.buffer.counters.snapshot().dropped;
  }

  /** Sends every buffered chunk to its outputs now (also what the Flush timer does). */
  flush(): void {
    this.delivery.flush();
  }

  /** Resolves once nothing is buffered, or once `outputs` have nothing queued, in flight or waiting. */
  private whenIdle(outputs?: readonly Slot[]): Promise<void> {
    return this.idle.until(() => (outputs ? outputs.every((o) => o.backlog === 0) : this.buffer.bufferedRecords === 0 && this.outputs.every((o) => o.backlog === 0)));
  }
}

function isEvent(value: unknown): value is LogEvent {
  return typeof value === 'object' && value !== null && typeof (value as LogEvent).time === 'bigint' && typeof (value as LogEvent).record === 'object';
}
