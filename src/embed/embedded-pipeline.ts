import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type { Plan } from '../config/plan/types.js';
import { nowNanos, type LogEvent, type LogRecord } from '../record/event.js';
import type { LogEntry, LogSink } from '../engine/logger.js';
import type { LibInputPort } from '../engine/plugin.js';
import type { MetricsSnapshot, StorageStatus } from '../engine/metrics.js';
import { Pipeline, type PipelineState } from '../engine/pipeline.js';
import { BackpressureError, PipelineError } from '../errors.js';
import { waitFor } from './abort.js';
import { loadConfig, type ConfigOptions, type ConfigSource } from './config-source.js';
import { logHookFunction, type LogHook } from './log-hook.js';
import type { OutputBatch } from './output-batch.js';
import { pushWritable, type WritableOptions } from './push-writable.js';
import { RecordsQueue } from './records-queue.js';

export type { OutputBatch } from './output-batch.js';

/** A `records` listener; a rejected promise (or a throw) makes the engine retry the chunk later. */
export type RecordsListener = (batch: OutputBatch) => void | Promise<void>;

/** The events of an EmbeddedPipeline and their arguments. */
export interface PipelineEvents {
  /** A batch of a `lib` output (the listener is awaited: a rejection makes the chunk retry). */
  records: [batch: OutputBatch];
  /** A `lib` input takes records again after `push` returned false. */
  drain: [];
  /** The agent logged an error (a plugin failed, a chunk was dropped). Not thrown when nobody listens. */
  error: [error: PipelineError, entry: LogEntry];
  /** The agent logged a warning. */
  warning: [entry: LogEntry];
}

export interface CreatePipelineOptions extends ConfigOptions {
  /** Where the agent's log lines go, formatted as Fluent Bit's and as data (default: stderr, unless `logger` is set; both may be). */
  readonly log?: LogSink;
  /** The agent's log as data: a function, or a pino or winston logger given as is. */
  readonly logger?: LogHook;
  /** Where the `stdout` output writes (default: process.stdout). */
  readonly stdout?: NodeJS.WritableStream;
}

export interface StopOptions {
  /** Seconds to wait for outputs (default: the configuration's Grace; -1 waits until everything is delivered). */
  readonly grace?: number;
  /** Aborting ends the wait for outputs now: what is undelivered is dropped (counted) as when the grace expires. */
  readonly signal?: AbortSignal;
}

export interface PushOptions {
  /** The `lib` input by name or Alias (default: the first one). */
  readonly input?: string;
}

export interface PushAsyncOptions extends PushOptions {
  /** Aborts the wait for room; the records are then not taken. */
  readonly signal?: AbortSignal;
}

export interface RecordsOptions {
  /** Only this `lib` output's batches (default: all). */
  readonly output?: string;
  /** Ends the loop: `next()` rejects with the signal's reason; batches not taken are retried by the engine. */
  readonly signal?: AbortSignal;
}

/** Records as the program pushes them: plain objects (time = now) or `{time, record}` events. */
export type Pushed = LogRecord | LogEvent | readonly (LogRecord | LogEvent)[];

/**
 * A running logferry pipeline inside a Node program: records go in through `lib` inputs
 * (`push`, `pushAsync`, `writable`), come out of `lib` outputs (`on('records')` or
 * `for await (const b of p.records())`), and everything in between is the configuration's.
 * `reload` swaps the configuration without losing what is buffered.
 *
 * Backpressure follows `stream.Writable`: `push` returns false once the input is over its limit
 * (Mem_Buf_Limit; without one, 8 MiB of records not yet delivered) and the pipeline emits
 * `'drain'` when it takes more. Records pushed meanwhile are held, up to 64 KiB; a push beyond
 * that throws a BackpressureError and none of its records are taken.
 */
export class EmbeddedPipeline extends EventEmitter<PipelineEvents> {
  private current: Pipeline;
  private readonly queues = new Set<RecordsQueue>();
  private readonly logHook: ((entry: LogEntry) => void) | undefined;
  private reloading: Promise<void> | undefined;
  /** A push returned false and 'drain' has not been emitted since. */
  private needDrain = false;
  private nextDrain: Promise<void> | undefined;
  /** Lib inputs whose next drain is listened to. */
  private readonly watched = new WeakSet<LibInputPort>();

  constructor(
    plan: Plan,
    private readonly options: CreatePipelineOptions = {},
  ) {
    super();
    this.logHook = options.logger ? logHookFunction(options.logger) : undefined;
    this.current = this.make(plan);
  }

  /** The plan that runs now. */
  get plan(): Plan {
    return this.current.plan;
  }

  get status(): PipelineState {
    return this.current.status;
  }

  /**
   * Starts the plugins. Aborting `signal` stops the pipeline (once its plugins are created, with no
   * grace) and rejects with the signal's reason.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    signal?.throwIfAborted();
    const started = this.current.start();
    if (!signal) return started;
    let onAbort: () => void = () => {};
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      if ((await Promise.race([started.then(() => 'started' as const), aborted])) === 'started') return;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    await started.catch(() => undefined);
    await this.stop({ grace: 0 });
    throw signal.reason;
  }

  /**
   * Hands records to a `lib` input (the first one, or `options.input` by name or Alias) under
   * `tag` (default: that input's Tag). Records are plain objects (time = now) or `{time, record}`
   * events with a nanosecond bigint time.
   *
   * Returns true when the input takes more, false when the records were taken but the input is
   * over its limit: wait for `'drain'`. Throws a BackpressureError, taking none of the records,
   * when the input is over its limit and already holds 64 KiB of records pushed meanwhile.
   */
  push(tag: string | undefined, records: Pushed, options: PushOptions = {}): boolean {
    const list = (Array.isArray(records) ? records : [records]) as readonly (LogRecord | LogEvent)[];
    const now = nowNanos();
    const events = list.map((r) => (isEvent(r) ? r : { time: now, record: r }));
    const more = this.current.push(events, { ...(tag !== undefined ? { tag } : {}), ...(options.input !== undefined ? { input: options.input } : {}) });
    if (!more) this.waitForDrain(options.input);
    return more;
  }

  /**
   * `push` that waits: for `'drain'` first if an earlier push was told to wait, then after taking
   * the records while the input is over its limit. Resolves once the records are taken and the
   * input takes more; an aborted `signal` rejects, and the records are then not taken unless the
   * wait was already past taking them.
   */
  async pushAsync(tag: string | undefined, records: Pushed, options: PushAsyncOptions = {}): Promise<void> {
    for (;;) {
      // The old pipeline's inputs refuse pushes while a reload swaps it: wait for the new one.
      if (this.reloading) await this.reloading.catch(() => undefined);
      if (this.needDrain) await this.drained(options.signal);
      options.signal?.throwIfAborted();
      let more: boolean;
      try {
        more = this.push(tag, records, options);
      } catch (err) {
        if (!(err instanceof BackpressureError)) throw err;
        this.waitForDrain(options.input);
        continue;
      }
      if (!more) await this.drained(options.signal).catch(() => undefined);
      return;
    }
  }

  /**
   * A `stream.Writable` in object mode feeding a `lib` input: each chunk is a record (or a
   * `{time, record}` event). `write()` returns false once `highWaterMark` chunks (default 16) wait
   * in the stream, which happens while the input is over its limit; `end()` finishes once every
   * record is taken.
   */
  writable(tag?: string, options: WritableOptions = {}): Writable {
    return pushWritable((records, signal) => this.pushAsync(tag, records, { ...options, ...(signal ? { signal } : {}) }), options);
  }

  /** Batches of `lib` outputs (all, or the one named) as an async iterable; see RecordsOptions. */
  records(options: string | RecordsOptions = {}): AsyncIterableIterator<OutputBatch> {
    const { output, signal } = typeof options === 'string' ? { output: options, signal: undefined } : options;
    signal?.throwIfAborted();
    const queue = new RecordsQueue(output, (q) => this.queues.delete(q));
    this.queues.add(queue);
    return queue.iterator(signal) as AsyncIterableIterator<OutputBatch>;
  }

  /** Counters of every instance, Fluent Bit's `/api/v1/metrics` shape. */
  metrics(): MetricsSnapshot {
    return this.current.metrics();
  }

  storage(): StorageStatus {
    return this.current.storageStatus();
  }

  /**
   * Replaces the configuration. The new one is checked first: on errors a ConfigError is thrown and
   * the running pipeline goes on untouched. Otherwise the old pipeline stops (its buffered records
   * are delivered first, or kept on disk with filesystem storage: `grace`, default -1 = until
   * delivered) and the new one starts.
   */
  async reload(config: ConfigSource | Plan, options: StopOptions = {}): Promise<void> {
    if (this.reloading) throw new PipelineError('a reload is already running');
    const plan = isPlan(config) ? config : loadConfig(config, this.options);
    const run = async () => {
      const old = this.current;
      const next = this.make(plan);
      await old.stop(options.grace ?? -1, options.signal);
      this.current = next;
      await next.start();
      if (this.needDrain) this.emitDrain();
    };
    this.reloading = run();
    try {
      await this.reloading;
    } finally {
      this.reloading = undefined;
    }
  }

  /** Stops inputs, delivers what is buffered (up to `grace` seconds) and ends `records()` loops. */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.reloading) await this.reloading.catch(() => undefined);
    await this.current.stop(options.grace ?? this.current.plan.service.grace, options.signal);
    for (const q of [...this.queues]) q.end();
    this.queues.clear();
  }

  /** `await using pipeline = createPipeline(...)`: stops it with the configuration's Grace. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private waitForDrain(input: string | undefined): void {
    const port = this.current.libInput(input);
    if (!port) return;
    this.needDrain = true;
    // One drain listener per input, however many pushes were told to wait.
    if (this.watched.has(port)) return;
    this.watched.add(port);
    port.onceDrain(() => {
      this.watched.delete(port);
      this.emitDrain();
    });
  }

  private emitDrain(): void {
    if (!this.needDrain) return;
    this.needDrain = false;
    this.emit('drain');
  }

  /** The next 'drain' (one listener however many pushes wait), or the signal's reason if it aborts first. */
  private drained(signal: AbortSignal | undefined): Promise<void> {
    this.nextDrain ??= new Promise<void>((resolve) =>
      this.once('drain', () => {
        this.nextDrain = undefined;
        resolve();
      }),
    );
    const next = this.nextDrain;
    return signal ? waitFor((done) => (void next.then(done), () => {}), signal) : next;
  }

  private make(plan: Plan): Pipeline {
    return new Pipeline(plan, {
      logSink: (line, entry) => this.log(line, entry),
      ...(this.options.stdout ? { stdout: this.options.stdout } : {}),
      onLibRecords: (output, batch) => this.deliver({ output, tag: batch.tag, events: batch.events }),
    });
  }

  private log(line: string, entry: LogEntry): void {
    if (this.options.log) this.options.log(line, entry);
    if (this.logHook) this.logHook(entry);
    if (!this.options.log && !this.logHook) process.stderr.write(line);
    if (entry.level === 'warn' && this.listenerCount('warning') > 0) this.emit('warning', entry);
    if (entry.level === 'error' && this.listenerCount('error') > 0) {
      this.emit('error', new PipelineError(entry.component ? `${entry.component}: ${entry.message}` : entry.message), entry);
    }
  }

  private async deliver(batch: OutputBatch): Promise<void> {
    // rawListeners: a `once` listener is removed by its first batch.
    for (const l of this.rawListeners('records') as RecordsListener[]) await l(batch);
    const taken: Promise<void>[] = [];
    for (const q of this.queues) if (q.output === undefined || q.output === batch.output) taken.push(q.offer(batch));
    await Promise.all(taken);
  }
}

function isEvent(value: unknown): value is LogEvent {
  return typeof value === 'object' && value !== null && typeof (value as LogEvent).time === 'bigint' && typeof (value as LogEvent).record === 'object';
}

function isPlan(value: unknown): value is Plan {
  return typeof value === 'object' && value !== null && 'inputs' in value && 'outputs' in value && 'service' in value;
}

/** A pipeline for a configuration (path, text or a plan from loadConfig); call `start()` to run it. */
export function createPipeline(config: ConfigSource | Plan, options: CreatePipelineOptions = {}): EmbeddedPipeline {
  return new EmbeddedPipeline(isPlan(config) ? config : loadConfig(config, options), options);
}
