/**
 * Whole CRI lines written from the file's bytes (tail with `multiline.parser cri`, InputContext.encoded):
 * a line `<time> stdout|stderr F <log>` whose stream holds no partial message is a record of its
 * own, and becomes
 *
 *   ["<time ns>",{"time":"<time>","stream":"stdout","_p":"F","log":"<log>","<path_key>":"<path>","<offset_key>":<offset>}]\n
 *
 * (path_key and offset_key when set) without a string or object in between: byte for byte what
 * encodeEvent writes for the event the cri multiline stream and tail's keys make of it
 * (parsers/multiline/container-parsers.ts `CriLineParser`, plugins/inputs/tail/line-handlers.ts).
 * The log is copied while it is plain (record/line-encoder.ts); any other log is decoded and
 * written with JSON.stringify, as encodeEvent would.
 */
import { WordView, type RecordWriter } from './encoded.js';
import type { Slicing } from './line-encoder.js';
import { copyPlainBytes, plainByte } from './plain-bytes.js';

const SPACE = 32;
/** Bytes of ` stdout F `: the separator the cri parser's regex takes after the time. */
const SEPARATOR_BYTES = 10;
/** Digits of a time in ns, with its sign. */
export const TIME_DIGITS = 21;
/** Digits of the largest offset a file has (2^53). */
export const OFFSET_DIGITS = 16;
const HEAD = '["';
const AFTER_TIME = '",{"time":"';
const STDOUT = '","stream":"stdout","_p":"F","log":';
const STDERR = '","stream":"stderr","_p":"F","log":';

/**
 * Where a line splits as the cri parser splits it (`^(?<time>.+?) (?<stream>stdout|stderr)
 * (?<_p>F|P) (?<log>.*)$`: the first ` stdout|stderr F|P ` after the first byte).
 */
export class CriLineSplit {
  /** After `whole` said yes: the end of the time text, the stream, the start of the log. */
  timeEnd = 0;
  stderr = false;
  logStart = 0;

  /**
   * Whether src[start, end) is a full (`F`) line whose time text is plain (printable ASCII other
   * than `"` and `\`). No, for a partial (`P`) line, a line the parser does not read, or a time
   * text that is not plain: the object path takes those.
   */
  whole(src: Buffer, start: number, end: number): boolean {
    if (start >= end || !plainByte(src[start]!)) return false;
    for (let i = start + 1, stop = end - SEPARATOR_BYTES; i <= stop; i++) {
      const c = src[i]!;
      if (c === SPACE && src[i + 1] === 115 && src[i + 2] === 116 && src[i + 3] === 100 && src[i + 7] === SPACE && src[i + 9] === SPACE) {
        const o = src[i + 4];
        const p = src[i + 8];
        const out = o === 111 && src[i + 5] === 117 && src[i + 6] === 116; // out
        if ((p === 70 || p === 80) && (out || (o === 101 && src[i + 5] === 114 && src[i + 6] === 114))) {
          if (p !== 70) return false;
          this.timeEnd = i;
          this.stderr = !out;
          this.logStart = i + SEPARATOR_BYTES;
          return true;
        }
      }
      if (!plainByte(c)) return false;
    }
    return false;
  }

  /** The time text of the line `whole` accepted. */
  timeText(src: Buffer, start: number): string {
    return (src as unknown as Slicing).latin1Slice(start, this.timeEnd);
  }
}

/** A cri time text of the full shape `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, and its part before the fraction. */
const STAMP_BYTES = 30;
const SECONDS_BYTES = 20;
const NANO_DIGITS = 9;
const ZULU = 90;

/**
 * The digits of a whole line's event time (ns). A time text of the full shape whose first 20 bytes
 * equal those of the last text the parser read by position has that text's seconds and its own 9
 * fraction digits as nanoseconds: its digits are the seconds' digits followed by those 9, with no
 * parse, BigInt or string (container runtimes write hundreds of lines a second).
 */
export class CriTimeDigits {
  /** The digits, `length` of them. */
  readonly bytes = Buffer.alloc(TIME_DIGITS);
  length = 0;
  private readonly seconds = Buffer.alloc(SECONDS_BYTES);
  /** Digits of the cached seconds at the start of `bytes`; 0: none cached. */
  private secondsDigits = 0;

  /** Whether the time text src[start, end) has the cached seconds and 9 fraction digits: its digits are then set. */
  sameSecond(src: Buffer, start: number, end: number): boolean {
    if (this.secondsDigits === 0 || end - start !== STAMP_BYTES || src[end - 1] !== ZULU) return false;
    const seconds = this.seconds;
    for (let i = 0; i < SECONDS_BYTES; i++) if (src[start + i] !== seconds[i]) return false;
    const b = this.bytes;
    let j = this.secondsDigits;
    for (let i = start + SECONDS_BYTES; i < end - 1; i++) {
      const c = src[i]!;
      if (c < 48 || c > 57) return false;
      b[j++] = c;
    }
    this.length = j;
    return true;
  }

  /**
   * Sets the digits of `time`, the parser's reading of src[start, end); `byPosition`: it read the
   * text by position (and `time` is not the read time standing in for a zero time), so its seconds
   * are kept for the next texts when the last 9 digits are the text's fraction.
   */
  set(time: bigint, src: Buffer, start: number, end: number, byPosition: boolean): void {
    const text = String(time);
    this.length = this.bytes.write(text, 0, 'latin1');
    this.secondsDigits = 0;
    if (!byPosition || end - start !== STAMP_BYTES || src[end - 1] !== ZULU || text.length <= NANO_DIGITS || time < 0n) return;
    const fraction = text.length - NANO_DIGITS;
    for (let i = 0; i < NANO_DIGITS; i++) if (text.charCodeAt(fraction + i) !== src[start + SECONDS_BYTES + i]) return;
    src.copy(this.seconds, 0, start, start + SECONDS_BYTES);
    this.secondsDigits = fraction;
  }

  get text(): string {
    return this.bytes.toString('latin1', 0, this.length);
  }
}

/** The keys tail adds to a record, in their order; undefined: absent. */
export interface CriRecordKeys {
  readonly pathKey: string | undefined;
  readonly offsetKey: string | undefined;
}

/** What ends a cri record after its log: tail's path and offset keys (as set), then `}]\n`. */
export class CriRecordTail {
  /** `,"<path_key>":"<path>"` and `,"<offset_key>":`, as set. */
  readonly text: string;
  readonly bytes: Buffer;
  readonly withOffset: boolean;

  constructor(keys: CriRecordKeys, path: string) {
    let text = '';
    if (keys.pathKey !== undefined) text += `,${JSON.stringify(keys.pathKey)}:${JSON.stringify(path)}`;
    if (keys.offsetKey !== undefined) text += `,${JSON.stringify(keys.offsetKey)}:`;
    this.text = text;
    this.bytes = Buffer.from(text);
    this.withOffset = keys.offsetKey !== undefined;
  }

  /** Writes the tail at `j` (the offset's digits when its key is set) and `}]\n`, and ends the record. */
  end(w: RecordWriter, buf: Buffer, j: number, offset: number): void {
    buf.set(this.bytes, j);
    j += this.bytes.length;
    if (this.withOffset) j += buf.write(String(offset), j, 'latin1');
    buf[j++] = 125; // }
    buf[j++] = 93; // ]
    buf[j++] = 10; // \n
    w.endRecord(j);
  }
}

export class CriRecordEncoder {
  /** After the log's closing quote. */
  readonly tail: CriRecordTail;
  private readonly head = Buffer.from(HEAD);
  private readonly afterTime = Buffer.from(AFTER_TIME);
  private readonly stdout = Buffer.from(`${STDOUT}"`);
  private readonly stderr = Buffer.from(`${STDERR}"`);
  /** The DataView of the source buffer the lines come from. */
  private readonly srcWords = new WordView();

  /** The keys must be distinct from time, stream, _p and log, and none an array index (fieldsEncodable). */
  constructor(
    private readonly writer: RecordWriter,
    keys: CriRecordKeys,
    path: string,
  ) {
    this.tail = new CriRecordTail(keys, path);
  }

  /** Appends the record of the line src[start, end) that `split` accepted, at the time `time` holds, read at file `offset` (always written: true). */
  write(src: Buffer, start: number, end: number, split: CriLineSplit, time: CriTimeDigits, offset: number): true {
    const { timeEnd, logStart } = split;
    const middle = split.stderr ? this.stderr : this.stdout;
    const w = this.writer;
    const buf = w.room(this.head.length + TIME_DIGITS + this.afterTime.length + (timeEnd - start) + middle.length + (end - logStart) + this.tail.bytes.length + OFFSET_DIGITS + 4);
    let j = w.byteLength;
    buf.set(this.head, j);
    j += this.head.length;
    time.bytes.copy(buf, j, 0, time.length);
    j += time.length;
    buf.set(this.afterTime, j);
    j += this.afterTime.length;
    src.copy(buf, j, start, timeEnd);
    j += timeEnd - start;
    buf.set(middle, j);
    j += middle.length;
    const i = copyPlainBytes(this.srcWords.of(src), src, logStart, end, w.words(buf), buf, j);
    if (i < end) {
      this.escaped(src, start, end, split, time, offset);
      return true;
    }
    j += end - logStart;
    buf[j++] = 34; // "
    this.tail.end(w, buf, j, offset);
    return true;
  }

  /** A log that is not its own JSON text: decoded and written with JSON.stringify. */
  private escaped(src: Buffer, start: number, end: number, split: CriLineSplit, time: CriTimeDigits, offset: number): void {
    const s = src as unknown as Slicing;
    const log = JSON.stringify(s.utf8Slice(split.logStart, end));
    const stream = split.stderr ? STDERR : STDOUT;
    const after = this.tail.withOffset ? `${this.tail.text}${offset}` : this.tail.text;
    this.writer.append(`${HEAD}${time.text}${AFTER_TIME}${s.latin1Slice(start, split.timeEnd)}${stream}${log}${after}}]\n`);
  }
}
