/**
 * Turning one file's lines into events (`process_content` / `flb_tail_file_pack_line`):
 * - raw: `{[path_key]: file, [offset_key]: line offset, [key]: line}`, in that key order, at the
 *   time the block was read;
 * - `Parser`: the parsed record, then path_key and offset_key, at the parsed time (or the read
 *   time); a line the parser rejects becomes the raw record, trailing `\r` included (Fluent Bit);
 * - `multiline.parser`: one stream of the multiline engine per file; records it completes get
 *   path_key and offset_key appended (the offset of the line being read when they completed, or
 *   the read position when a timer or the end of input flushed them).
 *
 * Handlers also say which part of the file is safely turned into events (`safeOffset`): lines held
 * by a multiline stream are not, so a restart reads them again.
 */
import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { Multiline, MultilineStream } from '../../../parsers/multiline/index.js';
import type { CriLineParser } from '../../../parsers/multiline/container-parsers.js';
import { CriLineSplit, CriRecordEncoder, CriTimeDigits } from '../../../record/cri-encoder.js';
import { CriJsonRecordEncoder, criJsonMerge } from '../../../record/cri-json-encoder.js';
import type { BytePathFilters } from '../../../engine/plugin.js';
import type { RecordParser } from '../../../parsers/runtime/index.js';
import { setField } from '../../../parsers/runtime/types.js';
import type { LineSink } from './line-reader.js';
import { encodeEvent, type RecordWriter } from '../../../record/encoded.js';
import { FieldsEncoder, fieldsEncodable } from '../../../record/fields-encoder.js';
import { LineEncoder, type Slicing } from '../../../record/line-encoder.js';

/** The events of the block being processed, and the time it was read. */
export interface Batch {
  events: LogEvent[];
  /** Where a handler writing encoded records (EncodedRawHandler, EncodedParserHandler) puts them: the input's, shared by its files. */
  readonly records?: RecordWriter | undefined;
  /** The filters the records written there must have gone through (EncodedEmit.filtersOnBytes); undefined: none. */
  readonly filters?: BytePathFilters | undefined;
  /** Read time (nanoseconds): the time of records without a parsed time. */
  time: bigint;
  /** A parser or multiline stream failed on a line (a bug there): counted and logged; the line is kept raw. */
  readonly onError: (err: unknown) => void;
}

export interface RecordKeys {
  /** `Key`: where the raw line goes. */
  readonly key: string;
  readonly pathKey: string | undefined;
  readonly offsetKey: string | undefined;
}

export interface LineHandler extends LineSink {
  /** File offset before which every line is in an event already handed out; `consumed` when nothing is held. */
  safeOffset(consumed: number): number;
  /** Emits everything held (end of input, stop, truncation). `offset` is the read position. */
  flush(offset: number): void;
  /** Emits what has waited longer than its timeout. */
  flushExpired(nowMs: number, offset: number): void;
  /** Period of `flushExpired` in ms (0: nothing ever waits). */
  readonly flushIntervalMs: number;
  /** Releases per-file state. */
  close(): void;
}

/** The raw record of a line. */
export type RawRecordBuilder = (text: string, offset: number) => LogRecord;

export function rawRecordBuilder(keys: RecordKeys, path: string): RawRecordBuilder {
  const { key, pathKey, offsetKey } = keys;
  const unsafe = key === '__proto__' || pathKey === '__proto__' || offsetKey === '__proto__';
  if (unsafe) {
    return (text, offset) => {
      const r: LogRecord = {};
      if (pathKey !== undefined) setField(r, pathKey, path);
      if (offsetKey !== undefined) setField(r, offsetKey, offset);
      setField(r, key, text);
      return r;
    };
  }
  if (pathKey === undefined && offsetKey === undefined) {
    return (text) => {
      const r: LogRecord = {};
      r[key] = text;
      return r;
    };
  }
  return (text, offset) => {
    const r: LogRecord = {};
    if (pathKey !== undefined) r[pathKey] = path;
    if (offsetKey !== undefined) r[offsetKey] = offset;
    r[key] = text;
    return r;
  };
}

/** Appends path_key and offset_key to records completed elsewhere (parser, multiline). */
function appendKeys(record: LogRecord, keys: RecordKeys, path: string, offset: number): void {
  if (keys.pathKey !== undefined) setField(record, keys.pathKey, path);
  if (keys.offsetKey !== undefined) setField(record, keys.offsetKey, offset);
}

/** Handlers that never hold lines. */
abstract class Immediate implements LineHandler {
  readonly flushIntervalMs = 0;
  abstract line(text: string, offset: number, cr: boolean): void;
  safeOffset(consumed: number): number {
    return consumed;
  }
  flush(): void {}
  flushExpired(): void {}
  close(): void {}
}

export class RawHandler extends Immediate {
  constructor(
    private readonly batch: Batch,
    private readonly build: RawRecordBuilder,
  ) {
    super();
  }

  line(text: string, offset: number): void {
    this.batch.events.push({ time: this.batch.time, record: this.build(text, offset) });
  }
}

/**
 * Raw records written as bytes (record/line-encoder.ts), for a tag whose records go to their chunk
 * unchanged (InputContext.encoded); the same bytes as RawHandler's events once encoded.
 */
export class EncodedRawHandler extends Immediate {
  private readonly encoder: LineEncoder;

  constructor(
    private readonly batch: Batch,
    records: RecordWriter,
    keys: RecordKeys,
    path: string,
  ) {
    super();
    this.encoder = new LineEncoder(records, keys, path);
  }

  line(text: string, offset: number): void {
    const bytes = Buffer.from(text);
    this.lineBytes(bytes, 0, bytes.length, offset);
  }

  lineBytes(buf: Buffer, start: number, end: number, offset: number): void {
    this.encoder.line(buf, start, end, offset, this.batch.time);
  }

  plainLine(buf: Buffer, start: number, limit: number, offset: number): number {
    return this.encoder.plainLine(buf, start, limit, offset, this.batch.time);
  }
}

export class ParserHandler extends Immediate {
  private readonly decorate: boolean;

  constructor(
    private readonly batch: Batch,
    private readonly build: RawRecordBuilder,
    private readonly parser: RecordParser,
    private readonly keys: RecordKeys,
    private readonly path: string,
  ) {
    super();
    this.decorate = keys.pathKey !== undefined || keys.offsetKey !== undefined;
  }

  line(text: string, offset: number, cr: boolean): void {
    const batch = this.batch;
    let record: LogRecord | undefined;
    try {
      record = this.parser.parseRecord(text, batch.time);
    } catch (err) {
      batch.onError(err);
    }
    if (record !== undefined) {
      if (this.decorate) appendKeys(record, this.keys, this.path, offset);
      batch.events.push({ time: this.parser.time, record });
    } else {
      batch.events.push({ time: batch.time, record: this.build(cr ? `${text}\r` : text, offset) });
    }
  }
}

/**
 * ParserHandler's records written as bytes (InputContext.encoded; see `encodedParserHandler`): the
 * parser writes its fields, path_key and offset_key follow, with no record object; a line the
 * parser rejects is written as ParserHandler's raw record would be encoded.
 */
export class EncodedParserHandler extends Immediate {
  private readonly pathIndex: number;
  private readonly offsetIndex: number;

  private constructor(
    private readonly batch: Batch,
    private readonly records: RecordWriter,
    private readonly build: RawRecordBuilder,
    private readonly parser: RecordParser,
    private readonly encoder: FieldsEncoder,
    fieldCount: number,
    keys: RecordKeys,
    private readonly path: string,
  ) {
    super();
    this.pathIndex = keys.pathKey === undefined ? -1 : fieldCount;
    this.offsetIndex = keys.offsetKey === undefined ? -1 : fieldCount + (keys.pathKey === undefined ? 0 : 1);
  }

  /**
   * The handler when the parser writes bytes and an object would keep its fields, path_key and
   * offset_key in the order written (no key repeated, none an array index); else undefined.
   */
  static create(batch: Batch, records: RecordWriter, build: RawRecordBuilder, parser: RecordParser, keys: RecordKeys, path: string): EncodedParserHandler | undefined {
    const fields = parser.encodedKeys;
    if (fields === undefined || parser.encodeRecord === undefined) return undefined;
    const all = [...fields];
    if (keys.pathKey !== undefined) all.push(keys.pathKey);
    if (keys.offsetKey !== undefined) all.push(keys.offsetKey);
    if (!fieldsEncodable(all)) return undefined;
    return new EncodedParserHandler(batch, records, build, parser, new FieldsEncoder(records, all, keys.pathKey === undefined ? 0 : path.length), fields.length, keys, path);
  }

  line(text: string, offset: number, cr: boolean): void {
    this.parsed(text, offset, cr, undefined, 0);
  }

  lineAt(text: string, buf: Buffer, start: number, offset: number, cr: boolean): void {
    this.parsed(text, offset, cr, buf, start);
  }

  private parsed(text: string, offset: number, cr: boolean, bytes: Buffer | undefined, at: number): void {
    const batch = this.batch;
    const encoder = this.encoder;
    let parsed = false;
    try {
      parsed = this.parser.encodeRecord!(text, batch.time, encoder, bytes, at);
    } catch (err) {
      batch.onError(err);
      parsed = false;
    }
    if (!parsed) {
      this.records.append(encodeEvent({ time: batch.time, record: this.build(cr ? `${text}\r` : text, offset) }));
      return;
    }
    if (this.pathIndex >= 0) encoder.string(this.pathIndex, this.path);
    if (this.offsetIndex >= 0) encoder.json(this.offsetIndex, String(offset));
    encoder.end();
  }
}

/**
 * `multiline.parser`: the file's lines go through its multiline stream. `exact` (one parser and no
 * `key_group`): at most one message is open at a time, so when a line completes a record and a
 * message is still open, that message started at this line.
 */
export class MultilineHandler implements LineHandler {
  /** Offset of the first line that may still be held by the stream; -1 when nothing is held. */
  private pendingSince = -1;
  private readonly decorate: boolean;

  constructor(
    private readonly batch: Batch,
    private readonly stream: MultilineStream,
    private readonly exact: boolean,
    readonly flushIntervalMs: number,
    private readonly keys: RecordKeys,
    private readonly path: string,
    private readonly build: RawRecordBuilder,
    private readonly release: () => void,
  ) {
    this.decorate = keys.pathKey !== undefined || keys.offsetKey !== undefined;
  }

  /**
   * Asks the stream whether it holds anything only when that can have changed: after a line that
   * completed a record while lines were held. A line that completes nothing may be held; a line
   * that completes a record when nothing was held is in that record.
   */
  line(text: string, offset: number): void {
    const out = this.batch.events;
    const before = out.length;
    try {
      this.stream.push(text, this.batch.time, out);
    } catch (err) {
      this.batch.onError(err);
      out.length = before;
      out.push({ time: this.batch.time, record: this.build(text, offset) });
      return;
    }
    if (out.length === before) {
      if (this.pendingSince < 0) this.pendingSince = offset;
      return;
    }
    if (this.decorate) this.decorateFrom(before, offset);
    this.completed(offset);
  }

  /** The line at `offset` completed a record (here, or on EncodedCriHandler's byte path). */
  completed(offset: number): void {
    if (this.pendingSince >= 0) {
      if (!this.stream.pending) this.pendingSince = -1;
      else if (this.exact) this.pendingSince = offset;
    }
  }

  safeOffset(consumed: number): number {
    if (this.pendingSince >= 0 && !this.stream.pending) this.pendingSince = -1;
    return this.pendingSince < 0 ? consumed : this.pendingSince;
  }

  flush(offset: number): void {
    const out = this.batch.events;
    const before = out.length;
    try {
      this.stream.flush(out);
    } catch (err) {
      this.batch.onError(err);
    }
    if (this.decorate) this.decorateFrom(before, offset);
    this.pendingSince = -1;
  }

  flushExpired(nowMs: number, offset: number): void {
    if (this.pendingSince < 0) return;
    const out = this.batch.events;
    const before = out.length;
    try {
      this.stream.flushExpired(nowMs, out);
    } catch (err) {
      this.batch.onError(err);
    }
    if (out.length === before) return;
    if (this.decorate) this.decorateFrom(before, offset);
    if (!this.stream.pending) this.pendingSince = -1;
  }

  close(): void {
    this.release();
  }

  private decorateFrom(start: number, offset: number): void {
    const out = this.batch.events;
    for (let i = start; i < out.length; i++) appendKeys(out[i]!.record, this.keys, this.path, offset);
  }
}

/**
 * MultilineHandler's records written as bytes, for the built-in `cri` alone or after JSON parsers such as docker's (`Multiline.wholeCri`)
 * on a tag whose records go to their chunk unchanged (InputContext.encoded): a full (`F`) line of a
 * stream holding no partial message is written from the file's bytes (record/cri-encoder.ts), with
 * no line string, record or event; every other line, and every flush, goes through the
 * MultilineHandler and its events are encoded into the same writer, so records keep their order.
 * On a tag whose filters merge the log's JSON (Batch.filters, record/cri-json-encoder.ts), whole
 * lines are written filtered, and the MultilineHandler's events go through the filters first.
 */
export class EncodedCriHandler implements LineHandler {
  private readonly inner: MultilineHandler;
  /** The inner handler's batch: its events are encoded after each call. */
  private readonly scratch: Batch;
  private readonly split = new CriLineSplit();
  private readonly time = new CriTimeDigits();
  private readonly encoder: CriRecordEncoder | CriJsonRecordEncoder;
  readonly flushIntervalMs: number;

  private constructor(
    private readonly batch: Batch,
    private readonly records: RecordWriter,
    private readonly stream: MultilineStream,
    private readonly parser: CriLineParser,
    /** Logs up to this many bytes cannot reach multiline_buffer_limit (0: no limit). */
    private readonly limit: number,
    /** JSON parsers come before cri (Multiline.wholeCriAfterJson): whole lines start with a digit. */
    private readonly afterJson: boolean,
    exact: boolean,
    flushIntervalMs: number,
    keys: RecordKeys,
    path: string,
    build: RawRecordBuilder,
    release: () => void,
  ) {
    this.scratch = { events: [], time: 0n, onError: batch.onError };
    this.inner = new MultilineHandler(this.scratch, stream, exact, flushIntervalMs, keys, path, build, release);
    this.flushIntervalMs = flushIntervalMs;
    const merge = batch.filters === undefined ? undefined : criJsonMerge(batch.filters.paths);
    this.encoder = merge === undefined ? new CriRecordEncoder(records, keys, path) : new CriJsonRecordEncoder(records, merge, keys, path);
  }

  /**
   * The handler when `multiline` is the built-in cri (alone or after JSON parsers), tail's keys do not clash with its
   * record's and the batch's filters (if any) are the merge of the log's JSON; else undefined.
   */
  static create(batch: Batch, records: RecordWriter, multiline: Multiline, id: string, exact: boolean, keys: RecordKeys, path: string, build: RawRecordBuilder): EncodedCriHandler | undefined {
    const parser = multiline.wholeCri;
    if (parser === undefined || !criKeysEncodable(keys)) return undefined;
    if (batch.filters !== undefined && criJsonMerge(batch.filters.paths) === undefined) return undefined;
    const limit = multiline.bufferLimit === 0 ? Infinity : Math.floor(multiline.bufferLimit / 3);
    return new EncodedCriHandler(batch, records, multiline.stream(id), parser, limit, multiline.wholeCriAfterJson, exact, multiline.flushIntervalMs, keys, path, build, () => multiline.removeStream(id));
  }

  line(text: string, offset: number): void {
    this.scratch.time = this.batch.time;
    this.inner.line(text, offset);
    this.drain();
  }

  lineBytes(buf: Buffer, start: number, end: number, offset: number): void {
    const split = this.split;
    if (
      (!this.afterJson || isDigit(buf[start]!)) &&
      split.whole(buf, start, end) &&
      end - split.logStart <= this.limit &&
      this.stream.canTakeWhole(split.stderr) &&
      this.readTime(buf, start) &&
      this.encoder.write(buf, start, end, split, this.time, offset)
    ) {
      this.stream.tookWhole(split.stderr, this.batch.time);
      this.inner.completed(offset);
      return;
    }
    this.line((buf as unknown as Slicing).utf8Slice(start, end), offset);
  }

  /** Sets `time` to the event time of the whole line at `start`; false when the parser would drop its time field (or read it as 0). */
  private readTime(buf: Buffer, start: number): boolean {
    const { split, time } = this;
    if (time.sameSecond(buf, start, split.timeEnd)) return true;
    const now = this.batch.time;
    const t = this.parser.timeOf(split.timeText(buf, start), now);
    if (t === undefined || t === 0n) return false;
    time.set(t, buf, start, split.timeEnd, this.parser.timeByPosition && t !== now);
    return true;
  }

  safeOffset(consumed: number): number {
    return this.inner.safeOffset(consumed);
  }

  flush(offset: number): void {
    this.scratch.time = this.batch.time;
    this.inner.flush(offset);
    this.drain();
  }

  flushExpired(nowMs: number, offset: number): void {
    this.inner.flushExpired(nowMs, offset);
    this.drain();
  }

  close(): void {
    this.inner.close();
  }

  private drain(): void {
    const scratch = this.scratch.events;
    if (scratch.length === 0) return;
    const events = this.batch.filters === undefined ? scratch : this.batch.filters.run(scratch);
    for (let i = 0; i < events.length; i++) this.records.append(encodeEvent(events[i]!));
    scratch.length = 0;
  }
}

/** Whether byte `c` is an ASCII digit. */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether tail's path_key and offset_key can follow the cri record's keys as written (none repeated, none an array index). */
export function criKeysEncodable(keys: RecordKeys): boolean {
  return fieldsEncodable(['time', 'stream', '_p', 'log', keys.pathKey, keys.offsetKey].filter((k) => k !== undefined));
}
