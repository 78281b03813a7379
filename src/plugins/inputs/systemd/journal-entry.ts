/**
 * One journal entry, as `journalctl -o json --all` prints it, turned into the record Fluent Bit's
 * in_systemd builds from `sd_journal_enumerate_data`:
 * - every field becomes a string key (`_PID`, `MESSAGE`, ...); journalctl's own addresses
 *   (`__CURSOR`, `__REALTIME_TIMESTAMP`, `__MONOTONIC_TIMESTAMP`, `__SEQNUM`, ...) are not
 *   fields and are left out;
 * - Strip_Underscores removes one leading `_`, then Lowercase lowercases the key;
 * - a key seen again (a field with several values, or `_PID` and `PID` once stripped) becomes an
 *   array of its string values, in order;
 * - values are strings; binary values (journalctl prints them as arrays of bytes) are decoded as
 *   UTF-8, invalid sequences replaced, as every other input decodes bytes to text;
 * - at most Max_Fields values are kept;
 * - the event time is the entry's realtime timestamp (`sd_journal_get_realtime_usec`, i.e.
 *   `__REALTIME_TIMESTAMP`), in microseconds, not the sender's `_SOURCE_REALTIME_TIMESTAMP`.
 * Keys are in field-name order: journalctl prints the fields of each entry in another order (a
 * hash table's), which would give nearly every record its own key order, and so its own object
 * shape (about 3x slower here); Fluent Bit keeps the journal's order, which journalctl does not show.
 */
import type { LogRecord } from '../../../record/event.js';

export interface EntryOptions {
  readonly stripUnderscores: boolean;
  readonly lowercase: boolean;
  readonly maxFields: number;
}

/** A parsed JSON line of journalctl. */
export type JournalJson = Record<string, unknown>;

/** A value of one field: a string, bytes, or (several values) an array of those. */
function decodeValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return Buffer.from(v as number[]).toString('utf8');
  return undefined; // null: journalctl left out a value above its size limit (not with --all)
}

function isBytes(v: unknown[]): boolean {
  return v.length === 0 || typeof v[0] === 'number';
}

/** Stores one value under `key` the way in_systemd's kvlist does. */
function store(record: LogRecord, key: string, value: string): void {
  const prev = record[key];
  if (prev === undefined) {
    record[key] = value;
  } else if (typeof prev === 'string') {
    // Fluent Bit removes the key and inserts the array anew, so it moves to the end.
    delete record[key];
    record[key] = [prev, value];
  } else {
    (prev as string[]).push(value);
  }
}

/** The record of an entry. */
export function entryRecord(entry: JournalJson, o: EntryOptions): LogRecord {
  const record: LogRecord = {};
  const plain = !o.stripUnderscores && !o.lowercase;
  let fields = 0;
  const names = Object.keys(entry).sort();
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name.charCodeAt(0) === 95 && name.charCodeAt(1) === 95) continue; // `__` addresses
    let key = name;
    if (!plain) {
      if (o.stripUnderscores && key.charCodeAt(0) === 95) key = key.slice(1);
      if (o.lowercase) key = key.toLowerCase();
    }
    const raw = entry[name];
    if (Array.isArray(raw) && !isBytes(raw)) {
      for (const item of raw) {
        if (fields >= o.maxFields) return record;
        const v = decodeValue(item);
        if (v === undefined) continue;
        store(record, key, v);
        fields++;
      }
      continue;
    }
    if (fields >= o.maxFields) return record;
    const v = decodeValue(raw);
    if (v === undefined) continue;
    if (plain && record[key] === undefined) record[key] = v;
    else store(record, key, v);
    fields++;
  }
  return record;
}

/** The entry's realtime timestamp in nanoseconds (0 when journalctl printed none). */
export function entryTime(entry: JournalJson): bigint {
  const t = entry['__REALTIME_TIMESTAMP'];
  if (typeof t !== 'string' || t.length === 0) return 0n;
  try {
    return BigInt(t) * 1000n;
  } catch {
    return 0n;
  }
}

/** The first value of `_SYSTEMD_UNIT` (what `sd_journal_get_data` returns), or undefined. */
export function entryUnit(entry: JournalJson): string | undefined {
  const u = entry['_SYSTEMD_UNIT'];
  if (u === undefined || u === null) return undefined;
  if (typeof u === 'string') return u;
  if (Array.isArray(u)) return isBytes(u) ? decodeValue(u) : decodeValue(u[0]);
  return undefined;
}

/**
 * The tag of an entry (Fluent Bit's `tag_compose`): a Tag with `*` has its first `*` replaced by
 * the entry's `_SYSTEMD_UNIT`, or `unknown` when the entry has none.
 */
export function makeTagger(tag: string): (entry: JournalJson) => string {
  const star = tag.indexOf('*');
  if (star < 0) return () => tag;
  const prefix = tag.slice(0, star);
  const suffix = tag.slice(star + 1);
  return (entry) => prefix + (entryUnit(entry) ?? 'unknown') + suffix;
}

/** Whether an entry carries every `FIELD=value` of `matches` (Systemd_Filter_Type And on one field twice). */
export function hasAllMatches(entry: JournalJson, matches: readonly (readonly [string, string])[]): boolean {
  for (const [field, value] of matches) {
    const raw = entry[field];
    if (raw === undefined || raw === null) return false;
    if (Array.isArray(raw) && !isBytes(raw)) {
      if (!raw.some((item) => decodeValue(item) === value)) return false;
    } else if (decodeValue(raw) !== value) {
      return false;
    }
  }
  return true;
}
