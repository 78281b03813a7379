import type { PlanInstance } from '../config/plan/types.js';
import type { Chunk } from './chunk.js';
import { ChunkBatch } from '../record/batch.js';
import type { Logger } from './logger.js';
import { flushScope, type Counters } from './metrics.js';
import { availableCapacityPercent } from './monitor/delivery-metrics.js';
import type { FlushAttempt, FlushResult, OutputRuntime } from './plugin.js';

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

/** Where a chunk's events came from, as outputs are told (EventBatch.inputPlugin). */
export interface ChunkSource {
  readonly plugin: string;
}

interface Task<S extends ChunkSource> {
  readonly chunk: Chunk<S, OutputSlot<S>>;
  attempt: number;
  /** Records of the chunk the output dropped itself (counted with their reasons) in earlier attempts. */
  dropped: number;
  /** Records of the chunk the output reported delivered in earlier attempts (sent in parts). */
  delivered: number;
}

/** How an output finished with a chunk: sent, dropped (counted), or left on disk for the next start. */
export type ChunkOutcome = 'delivered' | 'dropped' | 'kept';

export interface SlotHooks<S extends ChunkSource> {
  /** The output is done with the chunk. `reason` is set for drops. */
  done(chunk: Chunk<S, OutputSlot<S>>, slot: OutputSlot<S>, outcome: ChunkOutcome, reason?: string): void;
  /** A send attempt ended (the chunk may be put down again to free memory). */
  sent?(chunk: Chunk<S, OutputSlot<S>>): void;
  /** The chunk waits for a retry (its records may be packed meanwhile). */
  retrying?(chunk: Chunk<S, OutputSlot<S>>): void;
  /** The output delivered the chunk: `records` of it in all (those it sent in parts included). */
  delivered?(chunk: Chunk<S, OutputSlot<S>>, slot: OutputSlot<S>, records: number): void;
}

/**
 * One output instance: a queue of chunks sent with at most `workers` flushes at a time, with
 * retries as the policy says. Reports each chunk's end (delivered or dropped) to `done`.
 */
export class OutputSlot<S extends ChunkSource> {
  private readonly queue: Task<S>[] = [];
  private running = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting = new Set<Task<S>>();
  /** Tasks the output answered `wait` for, oldest first: queued again when another chunk moves on. */
  private readonly deferred: Task<S>[] = [];
  /** Answers other than `wait` and chunk ends so far: a `wait` given while this changed is void. */
  private moves = 0;
  /** Tasks whose flush has not settled yet. */
  private readonly sending = new Set<Task<S>>();
  /** Tasks given up at shutdown while their flush was still running: its late answer is ignored. */
  private readonly abandoned = new WeakSet<Task<S>>();
  private shuttingDown = false;
  /** Bytes of filesystem chunks queued or waiting here (storage.total_limit_size). */
  private fsBytes = 0;

  constructor(
    readonly instance: PlanInstance<'output'>,
    readonly runtime: OutputRuntime,
    readonly counters: Counters,
    private readonly log: Logger,
    private readonly retry: RetryPolicy,
    /** `workers`: flushes at a time; unset or 0 (no worker threads in Fluent Bit) is one at a time. */
    workers: number | undefined,
    private readonly hooks: SlotHooks<S>,
    /** storage.total_limit_size: cap on filesystem chunk bytes queued here (unset or 0 = none). */
    fsLimit?: number,
  ) {
    this.workers = workers === undefined || workers < 1 ? 1 : workers;
    this.fsLimit = fsLimit === undefined || fsLimit < 0 ? 0 : fsLimit;
  }

  private readonly workers: number;
  private readonly fsLimit: number;

  get name(): string {
    return this.instance.displayName;
  }

  /** Share of storage.total_limit_size its queued filesystem chunks leave free (100 without a limit). */
  get availableCapacityPercent(): number {
    return availableCapacityPercent(this.fsBytes, this.fsLimit);
  }

  /** Chunks queued, in flight, waiting for a retry or for an earlier chunk. */
  get backlog(): number {
    return this.queue.length + this.running + this.waiting.size + this.deferred.length;
  }

  enqueue(chunk: Chunk<S, OutputSlot<S>>): void {
    if (chunk.file) {
      if (this.fsLimit > 0) this.makeRoom(chunk.bytes);
      this.fsBytes += chunk.bytes;
    }
    this.queue.push({ chunk, attempt: 0, dropped: 0, delivered: 0 });
    this.pump();
  }

  /** storage.total_limit_size: drops the oldest filesystem chunks not being sent until `bytes` fit. */
  private makeRoom(bytes: number): void {
    while (this.fsBytes + bytes > this.fsLimit) {
      const victim = [...this.queue, ...this.deferred, ...this.waiting].find((t) => t.chunk.file);
      if (!victim) return;
      for (const list of [this.queue, this.deferred]) {
        const i = list.indexOf(victim);
        if (i >= 0) list.splice(i, 1);
      }
      this.waiting.delete(victim);
      const reason = `storage.total_limit_size of ${this.fsLimit} bytes reached (oldest chunk discarded)`;
      this.counters.drop(reason, Math.max(0, victim.chunk.records - victim.dropped - victim.delivered));
      this.log.warn(`chunk of ${victim.chunk.records} records for tag ${victim.chunk.tag} discarded: ${reason}`);
      this.finish(victim.chunk, 'dropped', reason);
    }
  }

  private finish(chunk: Chunk<S, OutputSlot<S>>, outcome: ChunkOutcome, reason?: string): void {
    if (chunk.file) this.fsBytes -= chunk.bytes;
    this.runtime.forget?.(chunk.key);
    this.hooks.done(chunk, this, outcome, reason);
    this.wake();
  }

  /** Another chunk moved on (answered or ended): the deferred tasks go first in the queue, in order. */
  private wake(): void {
    this.moves++;
    if (this.deferred.length > 0) this.queue.unshift(...this.deferred.splice(0));
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

  /**
   * Gives up on everything not yet delivered (shutdown after Grace): filesystem chunks stay on
   * disk for the next start; memory chunks are dropped and counted with the reason.
   */
  abandon(reason: string): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const tasks = [...this.deferred, ...this.queue, ...this.waiting, ...this.sending];
    this.deferred.length = 0;
    this.queue.length = 0;
    this.waiting.clear();
    for (const task of this.sending) this.abandoned.add(task);
    this.sending.clear();
    for (const task of tasks) {
      if (task.chunk.file) {
        this.finish(task.chunk, 'kept');
      } else {
        this.counters.drop(reason, Math.max(0, task.chunk.records - task.dropped - task.delivered));
        this.finish(task.chunk, 'dropped', reason);
      }
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
    let records;
    try {
      records = chunk.load();
    } catch (err) {
      // A filesystem chunk whose file vanished or broke after it was accepted (or, never seen, a packed chunk that does not unpack).
      this.running--;
      const reason = `${chunk.file ? 'chunk file' : 'packed chunk'} unreadable: ${(err as Error).message}`;
      this.counters.drop(reason, chunk.records);
      this.log.error(`chunk of ${chunk.records} records for tag ${chunk.tag} dropped: ${reason}`);
      this.finish(chunk, 'dropped', reason);
      this.pump();
      return;
    }
    let result: FlushResult;
    const moves = this.moves;
    chunk.holders++;
    this.sending.add(task);
    try {
      const scope = { dropped: 0, delivered: 0 };
      try {
        result = await flushScope.run(scope, () => this.runtime.flush(new ChunkBatch(chunk.tag, records, chunk.key, chunk.source.plugin), attemptOf(task, this.retry.limit)));
      } finally {
        task.dropped += scope.dropped;
        task.delivered += scope.delivered;
      }
    } catch (err) {
      result = { status: 'retry', reason: err instanceof Error ? err.message : String(err) };
    }
    chunk.holders--;
    this.running--;
    this.sending.delete(task);
    if (this.abandoned.has(task)) {
      // Already counted (dropped or kept on disk) when the grace period ended.
      this.pump();
      return;
    }
    this.hooks.sent?.(chunk);
    if (result.status === 'wait') {
      // Not an attempt: no count, no backoff. Sent again once another chunk moves on (at once if one did meanwhile).
      this.log.debug(`chunk for tag ${chunk.tag} waits: ${result.reason}`);
      if (this.moves === moves) this.deferred.push(task);
      else this.queue.unshift(task);
      this.pump();
      return;
    }
    // What the output neither dropped nor reported delivered itself is what this outcome is about.
    const n = Math.max(0, chunk.records - task.dropped - task.delivered);
    if (result.status === 'ok') {
      this.counters.add('proc_records', n);
      this.counters.add('proc_bytes', chunk.bytes);
      this.hooks.delivered?.(chunk, this, n + task.delivered);
      this.finish(chunk, 'delivered');
    } else if (result.status === 'error') {
      const reason = `error: ${result.reason}`;
      this.counters.add('errors');
      this.counters.drop(reason, n);
      this.log.error(`chunk of ${n} records for tag ${chunk.tag} dropped: ${result.reason}`);
      this.finish(chunk, 'dropped', reason);
    } else {
      task.attempt++;
      if (task.attempt > this.retry.limit) {
        const reason = `retries exhausted: ${result.reason}`;
        this.counters.add('retries_failed');
        this.counters.drop(reason, n);
        this.log.warn(`chunk of ${n} records for tag ${chunk.tag} dropped after ${task.attempt - 1} retries: ${result.reason}`);
        this.finish(chunk, 'dropped', reason);
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
          this.hooks.retrying?.(chunk);
        }
        this.wake();
      }
    }
    this.pump();
  }
}

/** The attempt a flush of `task` is: failures so far + 1, and the retries Retry_Limit leaves after it. */
function attemptOf(task: { readonly attempt: number }, limit: number): FlushAttempt {
  return { attempt: task.attempt + 1, retriesLeft: Math.max(0, limit - task.attempt) };
}
