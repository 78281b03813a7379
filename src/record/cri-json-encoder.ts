/**
 * Whole CRI lines (record/cri-encoder.ts) whose tag's filters merge the JSON object the log holds
 * into the record (JsonFieldMerge on `log`, the parser filter with the `json` parser): when the
 * log is one JSON object in JSON.stringify's own form (record/json-canonical.ts), the record is
 * written from the line's bytes as
 *
 *   ["<time ns>",{<the object's members>,"time":"<time>","stream":"stdout","_p":"F","<path_key>":"<path>","<offset_key>":<offset>}]\n
 *
 * (the cri fields with Reserve_Data only), byte for byte what the filter's object, encoded, would
 * be: the members in their order, then the record's other fields in theirs, the time unchanged.
 * A log that does not start with `{` is no JSON object to the filter: the record is the cri one,
 * unchanged. Any other log is the object way's to write (`write` answers false).
 */
import type { FilterBytePath, JsonFieldMerge } from './filter-byte-path.js';
import { CanonicalJsonObject } from './json-canonical.js';
import { CriRecordEncoder, CriRecordTail, OFFSET_DIGITS, TIME_DIGITS, type CriLineSplit, type CriRecordKeys, type CriTimeDigits } from './cri-encoder.js';
import type { RecordWriter } from './encoded.js';

/** The keys of tail's cri record, in their order (parsers/multiline/container-parsers.ts). */
const CRI_KEYS = ['time', 'stream', '_p', 'log'] as const;

/** The tail of a record without Reserve_Data: nothing after the members. */
const NO_TAIL = new CriRecordTail({ pathKey: undefined, offsetKey: undefined }, '');

/** Whether the filters are one merge of the log's JSON this encoder writes; the keys those of criKeysEncodable. */
export function criJsonMerge(paths: readonly FilterBytePath[]): JsonFieldMerge | undefined {
  const path = paths.length === 1 ? paths[0]! : undefined;
  return path?.kind === 'json-field' && path.key === 'log' ? path : undefined;
}

export class CriJsonRecordEncoder {
  private readonly plain: CriRecordEncoder;
  private readonly json: CanonicalJsonObject;
  private readonly reserve: boolean;
  /** `",{"` after the time digits. */
  private readonly open = Buffer.from('",{');
  private readonly afterMembers: Buffer;
  private readonly afterTime = Buffer.from('","stream":"stdout","_p":"F"');
  private readonly afterTimeStderr = Buffer.from('","stream":"stderr","_p":"F"');

  constructor(
    private readonly writer: RecordWriter,
    merge: JsonFieldMerge,
    keys: CriRecordKeys,
    path: string,
  ) {
    this.plain = new CriRecordEncoder(writer, keys, path);
    this.reserve = merge.reserveData;
    // A member named as a record field would take that field's value in the object's place.
    const fields = [...CRI_KEYS, keys.pathKey, keys.offsetKey].filter((k) => k !== undefined);
    this.json = new CanonicalJsonObject([...fields, ...merge.objectPathKeys], merge.maxDepth);
    this.afterMembers = Buffer.from('"time":"');
  }

  /**
   * Appends the filtered record of the line src[start, end) that `split` accepted (see
   * CriRecordEncoder.write); false when the object way must make it (nothing written).
   */
  write(src: Buffer, start: number, end: number, split: CriLineSplit, time: CriTimeDigits, offset: number): boolean {
    const logStart = split.logStart;
    const first = logStart < end ? src[logStart]! : -1;
    if (first !== 123 /* { */) {
      // JSON white space before a `{` may still be an object to the parser.
      if (first === 32 || first === 9 || first === 10 || first === 13) return false;
      this.plain.write(src, start, end, split, time, offset);
      return true;
    }
    if (!this.json.test(src, logStart, end)) return false;
    const w = this.writer;
    const timeEnd = split.timeEnd;
    const members = end - logStart - 2;
    const buf = w.room(2 + TIME_DIGITS + this.open.length + members + 1 + this.afterMembers.length + (timeEnd - start) + this.afterTime.length + this.plain.tail.bytes.length + OFFSET_DIGITS + 4);
    let j = w.byteLength;
    buf[j++] = 91; // [
    buf[j++] = 34; // "
    time.bytes.copy(buf, j, 0, time.length);
    j += time.length;
    buf.set(this.open, j);
    j += this.open.length;
    src.copy(buf, j, logStart + 1, end - 1);
    j += members;
    if (this.reserve) {
      if (members > 0) buf[j++] = 44; // ,
      buf.set(this.afterMembers, j);
      j += this.afterMembers.length;
      src.copy(buf, j, start, timeEnd);
      j += timeEnd - start;
      const after = split.stderr ? this.afterTimeStderr : this.afterTime;
      buf.set(after, j);
      j += after.length;
      this.plain.tail.end(w, buf, j, offset);
    } else {
      NO_TAIL.end(w, buf, j, offset);
    }
    return true;
  }
}
