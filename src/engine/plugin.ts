/**
 * The plugin interface: what an input, filter or output implements to run in the engine.
 * Small on purpose (Fluent Bit's callbacks, OpenTelemetry's exporter split): inputs push batches
 * and can be paused; filters transform batches at ingestion; outputs send one batch and answer
 * ok / retry / error. Buffering, routing, timers and retries belong to the engine.
 */
import type { Plan, ServiceOptions } from '../config/plan/types.js';
import type { Span } from '../diagnostics/diagnostic.js';
import type { EventBatch, LogEvent } from '../record/event.js';
import type { EncodedRecords, RecordWriter } from '../record/encoded.js';
import type { FilterBytePath } from '../record/filter-byte-path.js';

export type { FilterBytePath, JsonFieldMerge } from '../record/filter-byte-path.js';
import type { Logger } from './logger.js';
import type { Counters } from './metrics.js';

/** What the process or the embedding program lends to plugins. */
export interface PluginHost {
  /** Where `stdout` output writes (process.stdout for the agent). */
  readonly stdout: NodeJS.WritableStream;
  /** A `lib` input registers how records pushed by the embedding program reach it. */
  attachLibInput(instanceName: string, port: LibInputPort): void;
  /** A `lib` output hands a batch to the embedding program; a rejection means retry. */
  deliverLib(instanceName: string, batch: EventBatch): void | Promise<void>;
}

/**
 * How the embedding program's records reach a `lib` input, with the input's backpressure (the
 * `stream.Writable` convention): `push` takes the events and answers whether more are welcome now.
 */
export interface LibInputPort {
  /**
   * Takes all the events and returns true, or takes them all and returns false when the input is
   * over its limit (wait for `onDrain`), or takes none and throws a BackpressureError when its hold
   * queue is full (or a PipelineError once it is stopped).
   */
  push(tag: string | undefined, events: LogEvent[]): boolean;
  /** Calls `listener` once, when the input takes records again after a push returned false. */
  onceDrain(listener: () => void): void;
}

/** Where a plugin looks up the [PARSER] and [MULTILINE_PARSER] definitions it names. */
export type ParserLookup = Pick<Plan, 'parsers' | 'multilineParsers'>;

/** One accepted entry of the section, in file order: its canonical (table) key and parsed value. */
export interface OptionEntry {
  readonly key: string;
  readonly value: unknown;
  /** Where it is written (for errors a runtime finds at start, such as a Lua syntax error). */
  readonly span?: Span;
}

/**
 * What every runtime gets besides its options (which `create` receives typed and defaulted):
 * names, logging, counters and lookups, never the plan itself. The part that does not depend on
 * the plugin's table: what code shared by several plugins takes.
 */
export interface PluginServices {
  /** Fluent Bit's instance name: `<plugin>.<n>` (tail.0). */
  readonly id: string;
  /** `Alias` if set, else `id`: the name used in metrics and logs. */
  readonly displayName: string;
  /** Log lines of this instance, prefixed with its name. Never pass record data. */
  readonly log: Logger;
  /** Counters of this instance (shown in metrics), for events a plugin counts itself. */
  readonly counters: Counters;
  readonly host: PluginHost;
  /** [PARSER] and [MULTILINE_PARSER] definitions (built-in multiline parsers included). */
  readonly parsers: ParserLookup;
  /** The [SERVICE] options. */
  readonly service: ServiceOptions;
  /** The main configuration file's directory (Fluent Bit's conf_path), when there is one. */
  readonly configDir?: string | undefined;
}

/** The context of a runtime: its services, plus its own entries. */
export interface PluginContext extends PluginServices {
  /**
   * The section's accepted entries in file order, for plugins whose rules apply in the order
   * written across several keys (grep's Regex/Exclude, modify's rules and conditions).
   */
  readonly entries: readonly OptionEntry[];
  /** True when the user wrote this key (as opposed to it having its default). */
  isSet(key: string): boolean;
}

export interface InputContext extends PluginContext {
  /** The tag of this input's records: its `Tag`, else its instance name (Fluent Bit's default). */
  readonly tag: string;
  /**
   * Appends events of one tag to the engine. Filters run now (at ingestion, as in Fluent Bit),
   * then the events are buffered for their outputs. `committed` is called once the events are
   * safe: with filesystem storage when they are written to the chunk file, with memory storage
   * when every output they route to is done with them. Calls can come out of order (chunks of
   * different tags finish independently), so an input persists its read position only up to the
   * longest prefix of committed batches.
   */
  emit(tag: string, events: LogEvent[], committed?: () => void): void;
  /**
   * Present when nothing runs on this input's records before the pipeline's filters (no processors,
   * no conditional routes): an input that writes its records as bytes cheaper than it builds
   * objects hands them over here (tail's raw lines, dummy's copies), as Fluent Bit's inputs append
   * msgpack.
   */
  readonly encoded?: EncodedEmit;
  /** The input has nothing more to read and asks the agent to stop (tail Exit_On_Eof, dummy Samples). */
  done(): void;
}

/** How an input appends records it encoded itself (src/record/encoded.ts). */
export interface EncodedEmit {
  /** Whether records of `tag` go to their chunk unchanged (no filter matches the tag). */
  takes(tag: string): boolean;
  /**
   * Appends encoded records of one tag as `InputContext.emit` appends events. The engine copies the
   * bytes before it returns (the input may reuse its buffer); records of a tag `takes` refuses are
   * decoded and go the events' way (past the filters for a tag of `filtersOnBytes`).
   */
  emit(tag: string, records: EncodedRecords, committed?: () => void): void;
  /**
   * Lends the input's empty `writer` the open chunk of `tag` (when `takes(tag)` or `filtersOnBytes(tag)`, and nothing of the
   * input waits before it): the records the input then writes land in the chunk's own buffer, with
   * no copy, and count once the lease is given back. `room`: the bytes the input may write (the
   * chunk must have that much left before it is full). Undefined: write into the writer and `emit`.
   */
  lend(tag: string, writer: RecordWriter, room: number): ChunkLease | undefined;
  /**
   * For a tag some filters match, all of them declaring a byte path (FilterRuntime.bytePath): those
   * filters; undefined otherwise. An input that writes such a tag's records already filtered (each
   * record as the filters would leave it) hands them to `emit` and `lend` as `takes` tags' records.
   */
  filtersOnBytes(tag: string): BytePathFilters | undefined;
}

/** A chunk lent to an input's writer (EncodedEmit.lend). */
export interface ChunkLease {
  /** Records written into the writer since it was lent. */
  readonly written: number;
  /**
   * Gives the chunk back (the writer is empty again): the records written are appended as `emit`
   * appends them, `committed` as emit's. The input gives it back before it yields to the event
   * loop and before it emits anything else: until then the chunk is the writer's alone.
   */
  giveBack(committed?: () => void): void;
}

export interface InputRuntime {
  /**
   * Pausing loses nothing: what is not read stays in its source (files, the journal). The engine
   * then bounds how far the input reads ahead of its outputs even without Mem_Buf_Limit
   * (READ_AHEAD_BYTES in slots.ts), instead of holding a whole backlog in memory.
   */
  readonly pausesWithoutLoss?: boolean;
  /** Starts producing. Resolves once the input runs (files discovered, timers set). */
  start(): Promise<void>;
  /** Stop reading until `resume` (Mem_Buf_Limit): keep positions, lose nothing. */
  pause(): void;
  resume(): void;
  /** Stops for good: emits what is pending (partial multiline records), persists state. Idempotent. */
  stop(): Promise<void>;
}

/** The internal `emitter` input a filter re-injects records through (rewrite_tag, multiline buffered). */
export interface EmitterSettings {
  /** Its name (Emitter_Name); undefined: `emitter_for_<filter display name>`, as Fluent Bit names it. */
  readonly name: string | undefined;
  /** Pause it when this many bytes are buffered in memory (0: no limit). */
  readonly memBufLimit: number;
}

export interface FilterContext extends PluginContext {
  /**
   * The emitter of this filter: what is passed to the function it returns goes through routing
   * from the start under its new tag. The emitter is created when it first receives events.
   */
  emitter(settings: EmitterSettings): (tag: string, events: LogEvent[]) => void;
}

export interface FilterRuntime {
  /** Returns the events to keep, in order (may modify and return the same array). */
  filter(tag: string, events: LogEvent[]): LogEvent[] | Promise<LogEvent[]>;
  /**
   * What the filter does to a record, declared so that an input writing its records as bytes can
   * do it on the bytes (EncodedEmit.filtersOnBytes). A filter declaring it promises that `filter`
   * returns synchronously the array it was given, one record out per record in, and counts
   * nothing itself but errors (which the byte form never meets).
   */
  readonly bytePath?: FilterBytePath;
  stop?(): Promise<void>;
}

/** The filters of a tag that all declare a byte path (EncodedEmit.filtersOnBytes). */
export interface BytePathFilters {
  /** The filters' byte paths, in the order they run. */
  readonly paths: readonly FilterBytePath[];
  /**
   * Runs the filters on events the input could not filter as bytes, synchronously: the input
   * encodes what it returns into its writer, in order with the records it filtered as bytes. Not
   * counted here: the records handed over are counted on the filters as their runs would count them.
   */
  run(events: LogEvent[]): LogEvent[];
}

export type OutputContext = PluginContext;

/** Where a flush stands in the engine's retries of its chunk (Retry_Limit), given with each batch. */
export interface FlushAttempt {
  /** 1 on the first attempt of the chunk; answers `wait` are not attempts and do not count. */
  readonly attempt: number;
  /** Attempts the engine still makes if this one answers `retry`: 0 on the last one, Infinity with Retry_Limit no_limits. */
  readonly retriesLeft: number;
}

/**
 * What an output answers for one batch (Fluent Bit's FLB_OK / FLB_RETRY / FLB_ERROR), or `wait`:
 * nothing failed, but (the rest of) the batch must go after an earlier chunk this output has not
 * finished yet (cloudwatch_logs keeps each log stream in order). A wait is no attempt: it is not
 * counted against Retry_Limit nor in the retry metrics, and has no backoff; the engine flushes the
 * batch again as soon as another chunk of the output has had an answer or has ended.
 */
export type FlushResult =
  | { readonly status: 'ok' }
  | { readonly status: 'retry'; readonly reason: string }
  | { readonly status: 'wait'; readonly reason: string }
  | { readonly status: 'error'; readonly reason: string };

export interface OutputRuntime {
  /**
   * Sends one batch. Throwing counts as `retry` with the error's message as reason. The bytes of
   * `batch.records` are the chunk's: views of them may be kept for later attempts of the same
   * chunk (its `id`), never once the chunk is done (`forget`), when the engine frees them.
   */
  flush(batch: EventBatch, attempt: FlushAttempt): Promise<FlushResult>;
  /**
   * The engine is done with chunk `id` (EventBatch.id) for this output: delivered, dropped for
   * whatever reason (Retry_Limit, storage.total_limit_size, shutdown) or kept on disk. What the
   * output remembers of it can go; a chunk waiting for it may go on.
   */
  forget?(id: string): void;
  /**
   * Its flushes keep no view of `batch.records` once they settle: the engine may then pack the
   * records of a chunk waiting for a retry and free their memory (engine/raw-chunks.ts).
   */
  readonly keepsNoRecordViews?: boolean;
  stop?(): Promise<void>;
  /**
   * Its flushes only wait for a local reader (stdout into a pipe): shutdown waits for them past
   * `Grace` instead of dropping what is queued, as Fluent Bit's blocking write does.
   */
  readonly deliversPastGrace?: boolean;
}
