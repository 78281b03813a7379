import { EventEmitter } from 'node:events';
import type { Plan } from '../config/plan/types.js';
import { nowNanos, type LogEvent, type LogRecord } from '../engine/event.js';
import type { LogSink } from '../engine/logger.js';
import type { MetricsSnapshot, StorageStatus } from '../engine/metrics.js';
import { Pipeline, type PipelineState } from '../engine/pipeline.js';
import { PipelineError } from '../errors.js';
import { loadConfig, type ConfigOptions, type ConfigSource } from './config-source.js';

/** A batch a `lib` output hands to the program. */
export interface OutputBatch {
  /** The output's name (`lib.0`, or its Alias). */
  readonly output: string;
  readonly tag: string;
  readonly events: readonly LogEvent[];
}

/** A `records` listener; a rejected promise (or a throw) makes the engine retry the chunk later. */
export type RecordsListener = (batch: OutputBatch) => void | Promise<void>;

export interface CreatePipelineOptions extends ConfigOptions {
  /** Where the agent's log lines go (default: stderr). */
  readonly log?: LogSink;
  /** Where the `stdout` output writes (default: process.stdout). */
  readonly stdout?: NodeJS.WritableStream;
}

export interface StopOptions {
  /** Seconds to wait for outputs (default: the configuration's Grace; -1 waits until everything is delivered). */
  readonly grace?: number;
}

interface Waiter {
  readonly output: string | undefined;
  readonly queue: { batch: OutputBatch; taken: () => void }[];
  wake: (() => void) | undefined;
  done: boolean;
}

/**
 * A running logferry pipeline inside a Node program: records go in through `lib` inputs
 * (`push`), come out of `lib` outputs (`on('records')` or `for await (const b of p.records())`),
 * and everything in between is the configuration's. `reload` swaps the configuration without
 * losing what is buffered.
 */
export class EmbeddedPipeline {
  private current: Pipeline;
  private readonly emitter = new EventEmitter();
  private readonly waiters = new Set<Waiter>();
  private reloading: Promise<void> | undefined;

  constructor(
    plan: Plan,
    private readonly options: CreatePipelineOptions = {},
  ) {
    this.current = this.make(plan);
  }

  /** The plan that runs now. */
  get plan(): Plan {
    return this.current.plan;
  }

  get status(): PipelineState {
    return this.current.status;
  }

  async start(): Promise<void> {
    await this.current.start();
  }

  /**
   * Hands records to a `lib` input (the first one, or `options.input` by name or Alias) under
   * `tag` (default: that input's Tag). Records are plain objects (time = now) or `{time, record}`
   * events with a nanosecond bigint time.
   */
  push(tag: string | undefined, records: LogRecord | readonly LogRecord[] | readonly LogEvent[], options: { input?: string } = {}): void {
    const list = (Array.isArray(records) ? records : [records]) as readonly (LogRecord | LogEvent)[];
    const now = nowNanos();
    const events = list.map((r) => (isEvent(r) ? r : { time: now, record: r }));
    this.current.push(events, { ...(tag !== undefined ? { tag } : {}), ...(options.input !== undefined ? { input: options.input } : {}) });
  }

  /** Listens to the batches of `lib` outputs. Several listeners all get each batch. */
  on(event: 'records', listener: RecordsListener): this {
    this.emitter.on(event, listener);
    return this;
  }

  off(event: 'records', listener: RecordsListener): this {
    this.emitter.off(event, listener);
    return this;
  }

  /**
   * Batches of `lib` outputs (all, or the one named) as an async iterable. A batch counts as
   * delivered when the loop takes it, so a slow consumer holds the buffer back (Mem_Buf_Limit
   * then pauses the inputs) instead of growing memory. The iteration ends when the pipeline stops.
   */
  records(output?: string): AsyncIterable<OutputBatch> {
    const waiter: Waiter = { output, queue: [], wake: undefined, done: false };
    this.waiters.add(waiter);
    const finish = () => {
      waiter.done = true;
      this.waiters.delete(waiter);
      for (const item of waiter.queue.splice(0)) item.taken();
    };
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<OutputBatch>> => {
          for (;;) {
            const item = waiter.queue.shift();
            if (item) {
              item.taken();
              return { value: item.batch, done: false };
            }
            if (waiter.done) return { value: undefined, done: true };
            await new Promise<void>((r) => (waiter.wake = r));
            waiter.wake = undefined;
          }
        },
        return: async (): Promise<IteratorResult<OutputBatch>> => {
          finish();
          return { value: undefined, done: true };
        },
      }),
    };
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
   * delivered) and the new one starts. Pushes during the swap go to the new pipeline.
   */
  async reload(config: ConfigSource | Plan, options: StopOptions = {}): Promise<void> {
    if (this.reloading) throw new PipelineError('a reload is already running');
    const plan = isPlan(config) ? config : loadConfig(config, this.options);
    const run = async () => {
      const old = this.current;
      const next = this.make(plan);
      await old.stop(options.grace ?? -1);
      this.current = next;
      await next.start();
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
    await (options.grace === undefined ? this.current.stop() : this.current.stop(options.grace));
    for (const w of [...this.waiters]) {
      w.done = true;
      w.wake?.();
    }
    this.waiters.clear();
  }

  private make(plan: Plan): Pipeline {
    return new Pipeline(plan, {
      ...(this.options.log ? { logSink: this.options.log } : {}),
      ...(this.options.stdout ? { stdout: this.options.stdout } : {}),
      onLibRecords: (output, batch) => this.deliver({ output, tag: batch.tag, events: batch.events }),
    });
  }

  private async deliver(batch: OutputBatch): Promise<void> {
    const listeners = this.emitter.listeners('records') as RecordsListener[];
    for (const l of listeners) await l(batch);
    const taken: Promise<void>[] = [];
    for (const w of this.waiters) {
      if (w.output !== undefined && w.output !== batch.output) continue;
      taken.push(
        new Promise<void>((resolve) => {
          w.queue.push({ batch, taken: resolve });
          w.wake?.();
        }),
      );
    }
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
