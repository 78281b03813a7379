import type { PlanInstance } from '../config/plan/types.js';
import type { Chunk } from './chunk.js';
import type { Logger } from './logger.js';
import type { Counters } from './metrics.js';
import type { FlushResult, OutputRuntime } from './plugin.js';

export interface RetryPolicy {
  /** Retries allowed per chunk (Infinity = no limit, 0 = none). */
  readonly limit: number;
  /** Milliseconds to wait before retry number `attempt` (1-based). */
  delayMs(attempt: number): number;
}

/**
 * Fluent Bit's backoff (`flb_sched_request_create`): a uniform random whole number of seconds in
 * [base, min(cap, base * 2^attempt)], plus one second.
 */
export function fluentBitBackoff(baseSec: number, capSec: number, random: () => number = Math.random): (attempt: number) => number {
  return (attempt) => {
    const high = Math.max(baseSec, Math.min(capSec, baseSec * 2 ** attempt));
    const seconds = baseSec + Math.floor(random() * (high - baseSec + 1));
    return (seconds + 1) * 1000;
  };
}

/** Retry wait during shutdown (Fluent Bit: delay 0, plus its one second). */
export const SHUTDOWN_RETRY_MS = 1000;

interface Task<S> {
  readonly chunk: Chunk<S, OutputSlot<S>>;
  attempt: number;
}

/**
 * One output instance: a queue of chunks sent with at most `workers` flushes at a time, with
 * retries as the policy says. Reports each chunk's end (delivered or dropped) to `done`.
 */
export class OutputSlot<S> {
  private readonly queue: Task<S>[] = [];
  private running = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting = new Set<Task<S>>();
  private shuttingDown = false;

  constructor(
    readonly instance: PlanInstance<'output'>,
    readonly runtime: OutputRuntime,
    readonly counters: Counters,
    private readonly log: Logger,
    private readonly retry: RetryPolicy,
    private readonly workers: number,
    private readonly done: (chunk: Chunk<S, OutputSlot<S>>, slot: OutputSlot<S>) => void,
  ) {}

  get name(): string {
    return this.instance.displayName;
  }

  /** Chunks queued, in flight or waiting for a retry. */
  get backlog(): number {
    return this.queue.length + this.running + this.waiting.size;
  }

  enqueue(chunk: Chunk<S, OutputSlot<S>>): void {
    this.queue.push({ chunk, attempt: 0 });
    this.pump();
  }

  /** During shutdown retries are due at once (Fluent Bit reschedules them immediately). */
  hurry(): void {
    this.shuttingDown = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const task of this.waiting) this.queue.push(task);
    this.waiting.clear();
    this.pump();
  }

  /** Drops everything not yet delivered (shutdown after Grace), counting it with the reason. */
  abandon(reason: string): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const tasks = [...this.queue, ...this.waiting];
    this.queue.length = 0;
    this.waiting.clear();
    for (const task of tasks) {
      this.counters.drop(reason, task.chunk.events.length);
      this.done(task.chunk, this);
    }
  }

  private pump(): void {
    while (this.running < this.workers && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.running++;
      void this.send(task);
    }
  }

  private async send(task: Task<S>): Promise<void> {
    const { chunk } = task;
    let result: FlushResult;
    try {
      result = await this.runtime.flush({ tag: chunk.tag, events: chunk.events });
    } catch (err) {
      result = { status: 'retry', reason: err instanceof Error ? err.message : String(err) };
    }
    this.running--;
    const n = chunk.events.length;
    if (result.status === 'ok') {
      this.counters.add('proc_records', n);
      this.counters.add('proc_bytes', chunk.bytes);
      this.done(chunk, this);
    } else if (result.status === 'error') {
      this.counters.add('errors');
      this.counters.drop(`error: ${result.reason}`, n);
      this.log.error(`chunk of ${n} records for tag ${chunk.tag} dropped: ${result.reason}`);
      this.done(chunk, this);
    } else {
      task.attempt++;
      if (task.attempt > this.retry.limit) {
        this.counters.add('retries_failed');
        this.counters.drop(`retries exhausted: ${result.reason}`, n);
        this.log.warn(`chunk of ${n} records for tag ${chunk.tag} dropped after ${task.attempt - 1} retries: ${result.reason}`);
        this.done(chunk, this);
      } else {
        this.counters.add('retries');
        this.counters.add('retried_records', n);
        {
          // While shutting down, Fluent Bit retries after its minimum wait (0 + 1 s) instead of the backoff.
          const delay = this.shuttingDown ? SHUTDOWN_RETRY_MS : this.retry.delayMs(task.attempt);
          this.log.warn(`chunk for tag ${chunk.tag} failed (${result.reason}); retry ${task.attempt} in ${Math.round(delay / 1000)}s`);
          this.waiting.add(task);
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            if (!this.waiting.delete(task)) return;
            this.queue.push(task);
            this.pump();
          }, delay);
          timer.unref?.();
          this.timers.add(timer);
        }
      }
    }
    this.pump();
  }
}
