import type { Plan, PlanInstance } from '../config/plan/types.js';
import { PipelineError } from '../errors.js';
import { Chunk, CHUNK_MAX_BYTES } from './chunk.js';
import { ChunksUp } from './chunks-up.js';
import { nowNanos, type LogEvent } from '../record/event.js';
import { createLogger, normalizeLevel, type Logger, type LogSink } from './logger.js';
import { Counters, type MetricsSnapshot, type StorageStatus } from './metrics.js';
import { countFilter, InputSlot, READ_AHEAD_BYTES, storageStatusOf, type FilterSlot, type IngestJob, type PipelineChunk, type Slot } from './slots.js';
import { DeliveryMetrics, type DeliveryStatus } from './monitor/delivery-metrics.js';
import { fluentBitBackoff, OutputSlot, type ChunkOutcome } from './output-slot.js';
import { FsStorage } from './storage/fs-storage.js';
import { RejectedStore } from './storage/rejected.js';
import { inputStorageType } from '../config/plan/storage-type.js';
import type { EventBatch } from '../record/event.js';
import type { EmitterSettings, EncodedEmit, InputContext, LibInputPort, PluginHost } from './plugin.js';
import { inputTag, pluginContext } from './plugin-context.js';
import type { EncodedRecords } from '../record/encoded.js';
import { RecordEncoder, countRecords } from './record-encoder.js';
import { encodedEmit } from './encoded-ingest.js';
import { join, isAbsolute } from 'node:path';
import { directRoutes, RouteRule, Router } from './router.js';
import { inputSide, outputSide } from './processors.js';

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
}

export type PipelineState = 'created' | 'running' | 'stopping' | 'stopped';

/**
 * Runs a Plan: inputs emit batches, filters run at ingestion, events are buffered in chunks per
 * input and tag, and every `Flush` the chunks go to their outputs, with retries. Delivery is
 * at-least-once: a chunk is released (and its inputs' positions committed) only when every
 * output it routes to is done with it; records that cannot be delivered are counted as dropped
 * with a reason.
 */
export class Pipeline {
  private state: PipelineState = 'created';
  private readonly log: Logger;
  private readonly inputs: InputSlot[] = [];
  private readonly emitters = new Map<string, InputSlot>();
  private filters: FilterSlot[] = [];
  private outputs: Slot[] = [];
  private router: Router<FilterSlot, Slot> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private nextChunkId = 1;
  private bufferedRecords = 0;
  private readonly engineCounters = new Counters();
  private readonly delivery = new DeliveryMetrics();
  private readonly idleWaiters: (() => void)[] = [];
  private stopPromise: Promise<void> | undefined;
  private readonly libInputs = new Map<string, LibInputPort>();
  private readonly host: PluginHost;
  private startTime: number | undefined;
  /** Chunks handed to outputs and not yet released. */
  private readonly inFlight = new Set<PipelineChunk>();
  private readonly encoder = new RecordEncoder();
  private storage: FsStorage | undefined;
  private rejected: RejectedStore | undefined;
  /** Filesystem chunks whose events are in memory, oldest first (storage.max_chunks_up). */
  private readonly chunksUp = new ChunksUp<PipelineChunk>();
  /** Chunks a previous run left on disk, sent a few at a time (storage.backlog.mem_limit). */
  private backlog: InputSlot | undefined;
  private backlogLimit = 0;
  private backlogInFlight = 0;

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

    this.outputs = [];
    for (const instance of plan.outputs) {
      const counters = new Counters();
      const log = this.log.child(instance.displayName, normalizeLevel(instance.options.log_level, normalizeLevel(plan.service.log_level)));
      const parts = { log, counters, host: this.host };
      const plain = await instance.definition!.create!(instance.options, pluginContext(instance, plan, parts));
      const runtime = await outputSide(instance, plan, parts, plain, (f, settings) => (tag, events) => this.emitFromFilter(f, settings, tag, events));
      const slot: Slot = new OutputSlot(
        instance,
        runtime,
        counters,
        log,
        { limit: instance.options.retry_limit, delayMs: retryDelay },
        instance.options.workers,
        {
          done: (chunk, s, outcome, reason) => this.outputDone(chunk, s, outcome, reason),
          sent: (chunk) => this.afterSend(chunk),
          delivered: (chunk, s, records) => this.delivery.delivered(chunk, chunk.source.name, s.name, records, chunk.bytes),
        },
        instance.options['storage.total_limit_size'],
      );
      this.outputs.push(slot);
    }
    this.filters = [];
    for (const instance of plan.filters) {
      if (instance.options.active === false) continue;
      const counters = new Counters();
      const log = this.log.child(instance.displayName, normalizeLevel(instance.options.log_level, normalizeLevel(plan.service.log_level)));
      const runtime = await instance.definition!.create!(instance.options, {
        ...pluginContext(instance, plan, { log, counters, host: this.host }),
        emitter: (settings) => (tag, events) => this.emitFromFilter(instance, settings, tag, events),
      });
      this.filters.push({ instance, runtime, counters });
    }
    this.router = new Router(
      this.filters.map((f) => ({ rule: new RouteRule(f.instance), value: f })),
      this.outputs.map((o) => ({ rule: new RouteRule(o.instance, implicitAll), value: o })),
      undefined,
      directRoutes(plan.inputs, (id) => this.outputs.find((o) => o.instance.id === id)),
    );

    this.openStorage();
    // The backlog goes to outputs before any new data is read.
    this.flush();
    const flushMs = Math.max(1, plan.service.flush);
    this.flushTimer = setInterval(() => this.flush(), flushMs);

    for (const instance of plan.inputs) {
      const counters = new Counters();
      const log = this.log.child(instance.displayName, normalizeLevel(instance.options.log_level, normalizeLevel(plan.service.log_level)));
      const slot = new InputSlot(instance.displayName, instance.options.mem_buf_limit, counters, log, instance.plugin);
      slot.storageType = inputStorageType(plan.service, instance);
      slot.stream = instance.id;
      slot.pauseOnChunksOverlimit = instance.options['storage.pause_on_chunks_overlimit'] === true;
      slot.routable = instance.options.routable;
      if (slot.storageType === 'filesystem' && !this.storage) {
        throw new PipelineError(`input ${instance.displayName} uses storage.type filesystem but [SERVICE] storage.path is not set`);
      }
      this.inputs.push(slot);
      const side = await inputSide(instance, plan, { log, counters, host: this.host }, (tag, events, committed) => this.ingest(slot, tag, events, committed));
      const ctx: InputContext = {
        ...pluginContext(instance, plan, { log, counters, host: this.host }),
        tag: inputTag(instance),
        emit: side.emit,
        ...(side.direct ? { encoded: this.encodedEmit(slot) } : {}),
        done: () => this.options.onDone?.(instance.displayName),
      };
      slot.runtime = side.wrap(await instance.definition!.create!(instance.options, ctx));
      if (slot.memLimit <= 0 && slot.storageType === 'memory' && slot.runtime.pausesWithoutLoss === true) slot.readAhead = READ_AHEAD_BYTES;
    }
    for (const slot of this.inputs) await slot.runtime!.start();
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
    for (const slot of this.inputs) {
      try {
        await slot.runtime?.stop();
      } catch (err) {
        slot.log.error(`stop failed: ${(err as Error).message}`);
      }
    }
    await this.drainIngestion();
    // Filters stop before the last flush: what they still hold (multiline) is emitted and delivered.
    for (const f of this.filters) {
      try {
        await f.runtime.stop?.();
      } catch (err) {
        this.log.error(`filter ${f.instance.displayName} stop failed: ${(err as Error).message}`);
      }
    }
    await this.drainIngestion();
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
      if (result === 'expired' && this.bufferedRecords > 0) {
        // Outputs that only wait for a local reader (stdout into a pipe) are not cut off.
        const late = this.outputs.filter((o) => o.backlog > 0);
        const patient = late.filter((o) => o.runtime.deliversPastGrace === true);
        const cutOff = late.filter((o) => o.runtime.deliversPastGrace !== true);
        if (cutOff.length > 0) {
          const kept = this.engineCounters.get('kept_on_disk_records');
          this.log.warn(`grace period of ${graceSec}s expired with ${this.bufferedRecords} record(s) undelivered; memory chunks are dropped, filesystem chunks stay on disk`);
          for (const o of cutOff) o.abandon(`shutdown: grace period of ${graceSec}s expired`);
          const nowKept = this.engineCounters.get('kept_on_disk_records') - kept;
          if (nowKept > 0) this.log.info(`${nowKept} record(s) kept in ${this.storage!.options.root} for the next start`);
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
    this.storage?.close();
    this.state = 'stopped';
    this.log.info('stopped');
  }

  /** Counters of every instance, by display name (Fluent Bit's /api/v1/metrics shape). */
  metrics(): MetricsSnapshot {
    const byName = (items: { name: string; counters: Counters }[]) => Object.fromEntries(items.map((i) => [i.name, i.counters.snapshot()]));
    return {
      input: byName([...this.inputs, ...this.emitters.values()]),
      filter: byName(this.filters.map((f) => ({ name: f.instance.displayName, counters: f.counters }))),
      output: byName(this.outputs.map((o) => ({ name: o.name, counters: o.counters }))),
      buffered_records: this.bufferedRecords,
    };
  }

  /** When `start()` was called (ms since the epoch), for uptime. */
  get startedAt(): number | undefined {
    return this.startTime;
  }

  /** Chunks and bytes buffered per input (Fluent Bit's `/api/v1/storage`). */
  storageStatus(): StorageStatus {
    return storageStatusOf([...this.inputs, ...this.emitters.values()], this.inFlight);
  }

  /** Per input and output pair deliveries and latency, and each output's free storage.total_limit_size share. */
  deliveryStatus(): DeliveryStatus {
    return { routes: this.delivery.totals(), outputCapacity: Object.fromEntries(this.outputs.map((o) => [o.name, o.availableCapacityPercent])) };
  }

  /** Records dropped before reaching any output (no output matched their tag), by reason. */
  routingDrops(): Record<string, number> {
    return this.engineCounters.snapshot().dropped;
  }

  /** Sends every buffered chunk to its outputs now (also what the Flush timer does). */
  flush(): void {
    this.pumpBacklog();
    for (const slot of [...this.inputs, ...this.emitters.values()]) {
      if (slot !== this.backlog) this.flushInput(slot);
    }
  }

  private flushInput(slot: InputSlot): void {
    for (const chunk of slot.ready) this.dispatch(chunk);
    slot.ready.length = 0;
    for (const chunk of slot.open.values()) this.dispatch(chunk);
    slot.open.clear();
  }

  private ingest(slot: InputSlot, tag: string, events: LogEvent[], committed: (() => void) | undefined): void {
    if (events.length === 0) {
      committed?.();
      return;
    }
    if (this.state === 'stopped') {
      slot.counters.drop('pipeline stopped', events.length);
      return;
    }
    slot.counters.add('records', events.length);
    slot.jobs.push({ tag, events, committed, next: 0 });
    if (!slot.busy) this.runJobs(slot);
  }

  /** Runs queued jobs through their filters in order; an async filter pauses the queue until it settles. */
  private runJobs(slot: InputSlot): void {
    while (slot.jobs.length > 0) {
      const job = slot.jobs[0]!;
      const route = this.router!.route(job.tag, slot.stream);
      let events = job.events;
      while (job.next < route.filters.length && events.length > 0) {
        const f = route.filters[job.next]!;
        const before = events.length;
        let out: LogEvent[] | Promise<LogEvent[]>;
        try {
          out = f.runtime.filter(job.tag, events);
        } catch (err) {
          f.counters.add('errors');
          slot.log.error(`filter ${f.instance.displayName} failed, records passed unchanged: ${(err as Error).message}`);
          out = events;
        }
        if (out instanceof Promise) {
          slot.busy = true;
          out.then(
            (result) => this.afterAsyncFilter(slot, job, f, before, result),
            (err: unknown) => {
              f.counters.add('errors');
              slot.log.error(`filter ${f.instance.displayName} failed, records passed unchanged: ${(err as Error).message}`);
              this.afterAsyncFilter(slot, job, f, before, job.events);
            },
          );
          return;
        }
        countFilter(f, before, events, out);
        events = out;
        (job as { events: LogEvent[] }).events = events;
        job.next++;
      }
      slot.jobs.shift();
      this.append(slot, job.tag, events, job.committed, route.outputs);
    }
    slot.busy = false;
    this.notifyIdle();
  }

  private afterAsyncFilter(slot: InputSlot, job: IngestJob, f: FilterSlot, before: number, result: LogEvent[]): void {
    countFilter(f, before, job.events, result);
    (job as { events: LogEvent[] }).events = result;
    job.next++;
    this.runJobs(slot);
  }

  private encodedEmit(slot: InputSlot): EncodedEmit {
    const route = (tag: string) => this.router!.route(tag, slot.stream);
    return encodedEmit({ slot, route, stopped: () => this.state === 'stopped', ingest: (...a) => this.ingest(slot, ...a), append: (...a) => this.append(slot, ...a) });
  }

  private append(slot: InputSlot, tag: string, events: LogEvent[] | EncodedRecords, committed: (() => void) | undefined, outputs: readonly Slot[]): void {
    const count = countRecords(events);
    if (count === 0) {
      committed?.();
      return;
    }
    if (!slot.routable) {
      // Fluent Bit discards them silently; logferry counts them.
      slot.counters.drop('input not routable (Routable false)', count);
      committed?.();
      return;
    }
    if (outputs.length === 0) {
      // Fluent Bit drops these silently; logferry counts them.
      this.routingDrop(slot, tag, count);
      committed?.();
      return;
    }
    const records = this.encoder.encode(slot, events);
    if (records.count === 0) {
      committed?.();
      return;
    }
    // The input's position waits for every part of this append (written to disk, or released).
    let waiting = 1;
    const partDone = committed && (() => --waiting === 0 && committed());
    let from = 0;
    while (from < records.count) {
      let chunk = slot.open.get(tag);
      if (!chunk) {
        chunk = this.newChunk(slot, tag);
        slot.open.set(tag, chunk);
      }
      // An append larger than the room left is split at a record, so that no chunk grows much past
      // CHUNK_MAX_BYTES (an input may emit megabytes at once).
      const room = CHUNK_MAX_BYTES - chunk.bytes;
      const base = records.start(from);
      let to = from;
      while (to < records.count && records.end(to) - base <= room) to++;
      if (to === from) {
        if (chunk.records > 0) {
          this.lockOpen(slot, chunk);
          continue;
        }
        to = from + 1;
      }
      const part = from === 0 && to === records.count ? records : records.slice(from, to);
      from = to;
      if (!this.appendPart(slot, chunk, part)) {
        waiting++;
        if (partDone) chunk.onRelease.push(partDone);
      }
      if (chunk.bytes >= CHUNK_MAX_BYTES) this.lockOpen(slot, chunk);
    }
    this.encoder.recycle();
    // Written to disk: the input may persist its position now (tail DB), before delivery.
    partDone?.();
    this.applyLimits(slot);
  }

  /** The open chunk of its tag is full: it waits for the next flush. */
  private lockOpen(slot: InputSlot, chunk: PipelineChunk): void {
    chunk.lock();
    if (slot.open.get(chunk.tag) === chunk) slot.open.delete(chunk.tag);
    slot.ready.push(chunk);
  }

  /** Appends records to a chunk (and its file). Returns whether they are on disk (safe before delivery). */
  private appendPart(slot: InputSlot, chunk: PipelineChunk, records: EncodedRecords): boolean {
    let safe = false;
    if (chunk.file && !chunk.pinned) {
      try {
        chunk.file.append(records);
        safe = true;
      } catch (err) {
        // Disk full or gone: these records live in memory only, so the input's position waits for delivery.
        chunk.pinned = true;
        slot.counters.add('storage_write_errors');
        slot.log.error(`cannot write chunk file ${chunk.file.path}: ${(err as Error).message}; buffering in memory until delivered`);
      }
    }
    chunk.append(records);
    const bytes = records.byteLength;
    slot.bytes += bytes;
    slot.counters.add('bytes', bytes);
    this.bufferedRecords += records.count;
    if (chunk.file) this.enforceChunksUp();
    return safe;
  }

  /** Records of a tag no output matches: counted, and logged at warn the first time per tag. */
  private routingDrop(slot: InputSlot, tag: string, n: number): void {
    const reason = `no output matches tag '${tag}'`;
    if (this.engineCounters.droppedFor(reason) === 0) {
      slot.log.warn(`records with tag '${tag}' dropped: no output matches it (counted in metrics; logged once per tag)`);
    }
    this.engineCounters.drop(reason, n);
    slot.counters.drop('no output matches the tag', n);
  }

  private newChunk(slot: InputSlot, tag: string): PipelineChunk {
    return this.delivery.born(this.createChunk(slot, tag));
  }

  private createChunk(slot: InputSlot, tag: string): PipelineChunk {
    const id = this.nextChunkId++;
    if (slot.storageType !== 'filesystem' || !this.storage) return new Chunk<InputSlot, Slot>(id, slot, tag);
    let file;
    try {
      file = this.storage.create(slot.stream, tag);
    } catch (err) {
      slot.counters.add('storage_write_errors');
      slot.log.error(`cannot create a chunk file under ${this.storage.options.root}: ${(err as Error).message}; buffering in memory`);
      return new Chunk<InputSlot, Slot>(id, slot, tag);
    }
    const chunk = new Chunk<InputSlot, Slot>(id, slot, tag, file);
    this.chunksUp.add(chunk);
    return chunk;
  }

  /** Mem_Buf_Limit (memory: pause; memrb: drop oldest) and storage.pause_on_chunks_overlimit (filesystem). */
  private applyLimits(slot: InputSlot): void {
    if (!slot.runtime) return;
    if (slot.paused) {
      // Paused by the read-ahead bound (its only pause): what the input still emits (the rest of a
      // block it was reading) goes out at once too, so that releases, not the next Flush, resume it.
      if (slot.readAhead > 0) this.flushInput(slot);
      return;
    }
    if (slot.storageType === 'filesystem') {
      if (slot.pauseOnChunksOverlimit && this.chunksUp.full) {
        this.pause(slot, `storage chunks overlimit: ${this.chunksUp.size} >= ${this.chunksUp.limit} chunks up`);
      }
      return;
    }
    if (slot.readAhead > 0) {
      if (slot.bytes >= slot.readAhead) {
        // Not Mem_Buf_Limit: no pause metric, no info log. What it holds goes out now, not at the
        // next Flush, and reading goes on once most of it is delivered.
        this.flushInput(slot);
        slot.paused = true;
        slot.log.debug(`reading paused: ${slot.bytes} bytes read ahead of the outputs`);
        slot.runtime.pause();
      }
      return;
    }
    if (slot.memLimit <= 0 || slot.bytes < slot.memLimit) return;
    if (slot.storageType === 'memrb') {
      this.dropOldest(slot);
      return;
    }
    this.pause(slot, `mem buf overlimit: ${slot.bytes} >= ${slot.memLimit} bytes`);
  }

  private pause(slot: InputSlot, why: string): void {
    slot.paused = true;
    slot.counters.add('paused');
    slot.log.info(`paused (${why})`);
    slot.runtime!.pause();
  }

  /** memrb: drops this input's oldest chunks not yet handed to outputs until it is under Mem_Buf_Limit. */
  private dropOldest(slot: InputSlot): void {
    while (slot.bytes >= slot.memLimit) {
      const victim = slot.ready.shift() ?? firstValue(slot.open);
      if (!victim) return;
      if (slot.open.get(victim.tag) === victim) slot.open.delete(victim.tag);
      const reason = `memrb: Mem_Buf_Limit of ${slot.memLimit} bytes reached, oldest chunk dropped`;
      slot.counters.drop(reason, victim.records);
      slot.log.warn(`${victim.records} record(s) of tag ${victim.tag} dropped (${reason})`);
      this.release(victim, false);
    }
  }

  private dispatch(chunk: PipelineChunk): void {
    if (chunk.dispatched || chunk.records === 0) return;
    chunk.lock();
    chunk.dispatched = true;
    const outputs = this.router!.route(chunk.tag, chunk.source.stream).outputs;
    for (const o of outputs) chunk.pending.add(o);
    if (outputs.length === 0) {
      // A backlog chunk whose tag no output of this configuration matches.
      this.routingDrop(chunk.source, chunk.tag, chunk.records);
      this.release(chunk, false);
      return;
    }
    this.inFlight.add(chunk);
    for (const o of outputs) o.enqueue(chunk);
    if (chunk.file) this.enforceChunksUp();
  }

  private outputDone(chunk: PipelineChunk, slot: Slot, outcome: ChunkOutcome, reason: string | undefined): void {
    if (!chunk.pending.has(slot)) return;
    if (outcome === 'kept') chunk.kept = true;
    if (outcome === 'dropped' && this.rejected) this.reject(chunk, slot, reason ?? 'dropped');
    chunk.pending.delete(slot);
    if (chunk.pending.size > 0) return;
    this.release(chunk, chunk.kept);
  }

  /** storage.keep.rejected: the dropped chunk goes to the dead-letter directory. */
  private reject(chunk: PipelineChunk, slot: Slot, reason: string): void {
    try {
      const path = this.rejected!.write(slot.name, chunk.tag, reason, chunk.load());
      slot.counters.add('rejected_chunks');
      this.log.info(`dropped chunk of ${chunk.records} record(s) kept in ${path}`);
    } catch (err) {
      this.log.error(`cannot write the dropped chunk to ${this.rejected!.dir}: ${(err as Error).message}`);
    }
  }

  /**
   * The chunk leaves the buffer: its inputs may commit positions, its file is removed (or kept
   * for the next start when shutdown left it undelivered), paused inputs may resume.
   */
  private release(chunk: PipelineChunk, keepFile: boolean): void {
    this.inFlight.delete(chunk);
    this.chunksUp.delete(chunk);
    const source = chunk.source;
    source.bytes -= chunk.bytes;
    this.bufferedRecords -= chunk.records;
    if (source === this.backlog && chunk.dispatched) this.backlogInFlight -= chunk.bytes;
    if (chunk.file) {
      try {
        if (keepFile) chunk.file.seal();
        else chunk.file.remove();
      } catch (err) {
        source.log.error(`cannot remove chunk file ${chunk.file.path}: ${(err as Error).message}`);
      }
      if (keepFile) this.engineCounters.add('kept_on_disk_records', chunk.records);
    }
    if (!keepFile) for (const cb of chunk.onRelease) cb();
    chunk.onRelease.length = 0;
    this.maybeResume(source);
    if (source === this.backlog) this.pumpBacklog();
    this.notifyIdle();
  }

  private maybeResume(source: InputSlot): void {
    if (!source.paused || this.state !== 'running') return;
    if (source.storageType === 'filesystem') {
      if (this.chunksUp.full) return;
      source.paused = false;
      source.log.info(`resume (storage chunks: ${this.chunksUp.size} < ${this.chunksUp.limit} chunks up)`);
    } else if (source.readAhead > 0) {
      // The read-ahead bound: resume at half of it, so that reading goes on in long stretches.
      if (source.bytes >= source.readAhead / 2) return;
      source.paused = false;
      source.log.debug(`reading resumed: ${source.bytes} bytes read ahead of the outputs`);
    } else {
      if (source.bytes >= source.memLimit) return;
      source.paused = false;
      source.log.info(`resume (mem buf overlimit: ${source.bytes} < ${source.memLimit} bytes)`);
    }
    source.runtime?.resume();
  }

  /** After a send attempt: a chunk loaded from disk counts as up again, then the up limit applies. */
  private afterSend(chunk: PipelineChunk): void {
    if (this.chunksUp.afterSend(chunk)) for (const slot of this.inputs) this.maybeResume(slot);
  }

  /** storage.max_chunks_up: puts the oldest locked filesystem chunks down (records only on disk). */
  private enforceChunksUp(): void {
    if (this.chunksUp.enforce()) for (const slot of this.inputs) this.maybeResume(slot);
  }

  /**
   * Hands backlog chunks to outputs, oldest first, while the bytes of those not yet released stay
   * under storage.backlog.mem_limit (always at least one), like Fluent Bit's storage_backlog input.
   */
  private pumpBacklog(): void {
    const b = this.backlog;
    if (!b) return;
    while (b.ready.length > 0 && (this.backlogInFlight === 0 || this.backlogInFlight + b.ready[0]!.bytes <= this.backlogLimit)) {
      const chunk = b.ready.shift()!;
      this.backlogInFlight += chunk.bytes;
      this.dispatch(chunk);
    }
  }

  /** [SERVICE] storage.path: opens the store and queues what a previous run left (the backlog). */
  private openStorage(): void {
    const service = this.plan.service;
    const root = service['storage.path'];
    if (!root) return;
    const base = isAbsolute(root) ? root : join(process.cwd(), root);
    this.storage = new FsStorage({
      root: base,
      sync: service['storage.sync'],
      checksum: service['storage.checksum'],
      deleteIrrecoverable: service['storage.delete_irrecoverable_chunks'],
      skipDirs: service['storage.keep.rejected'] ? [service['storage.rejected.path']] : [],
      log: this.log.child('storage'),
    });
    this.chunksUp.limit = service['storage.max_chunks_up'] > 0 ? service['storage.max_chunks_up'] : 128;
    if (service['storage.keep.rejected']) this.rejected = new RejectedStore(join(base, service['storage.rejected.path']));
    const { entries, problems } = this.storage.loadBacklog();
    const backlog = new InputSlot('storage_backlog.0', 0, new Counters(), this.log.child('storage_backlog.0'), 'storage_backlog');
    for (const p of problems) {
      if (p.damaged) backlog.counters.add('quarantined_chunks');
      if (p.recovered > 0) backlog.counters.add('recovered_records', p.recovered);
      if (p.lost > 0) backlog.counters.drop('damaged chunk file', p.lost);
      backlog.log.warn(p.message);
    }
    if (entries.length === 0 && problems.length === 0) return;
    this.emitters.set(backlog.name, backlog);
    this.backlog = backlog;
    this.backlogLimit = service['storage.backlog.mem_limit'];
    let records = 0;
    for (const e of entries) {
      const chunk = Chunk.fromDisk<InputSlot, Slot>(this.nextChunkId++, backlog, e.tag, e.file, e.records, e.bytes);
      backlog.ready.push(chunk);
      backlog.bytes += e.bytes;
      records += chunk.records;
    }
    backlog.counters.add('records', records);
    this.bufferedRecords += records;
    if (entries.length > 0) backlog.log.info(`${entries.length} chunk(s) with ${records} record(s) left by a previous run queued for delivery`);
  }

  private emitFromFilter(instance: PlanInstance<'filter'>, settings: EmitterSettings, tag: string, events: LogEvent[]): void {
    const name = settings.name ?? `emitter_for_${instance.displayName}`;
    let slot = this.emitters.get(name);
    if (!slot) {
      slot = new InputSlot(name, settings.memBufLimit, new Counters(), this.log.child(name), 'emitter');
      this.emitters.set(name, slot);
    }
    this.ingest(slot, tag, events, undefined);
  }

  private drainIngestion(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if ([...this.inputs, ...this.emitters.values()].every((s) => !s.busy && s.jobs.length === 0)) resolve();
        else this.idleWaiters.push(check);
      };
      check();
    });
  }

  /** Resolves once nothing is buffered, or once `outputs` have nothing queued, in flight or waiting. */
  private whenIdle(outputs?: readonly Slot[]): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (outputs ? outputs.every((o) => o.backlog === 0) : this.bufferedRecords === 0 && this.outputs.every((o) => o.backlog === 0)) resolve();
        else this.idleWaiters.push(check);
      };
      check();
    });
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}

function firstValue<K, V>(map: Map<K, V>): V | undefined {
  return map.values().next().value;
}

function isEvent(value: unknown): value is LogEvent {
  return typeof value === 'object' && value !== null && typeof (value as LogEvent).time === 'bigint' && typeof (value as LogEvent).record === 'object';
}
