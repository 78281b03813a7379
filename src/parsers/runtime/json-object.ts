/**
 * JSON text to a record, with the acceptance rules of Fluent Bit's JSON parser (yyjson with
 * `ALLOW_INVALID_UNICODE`, `flb_pack_json_recs_ext` in `src/flb_pack.c`, 4.2.8):
 * - the text must hold exactly one JSON value (after white space), and it must be an object;
 *   a second value makes it fail, but text that is not a value is ignored after the first;
 * - raw control characters inside strings are accepted (JSON.parse rejects them);
 * - a value nesting containers deeper than MAX_JSON_DEPTH fails (Fluent Bit packs it but its
 *   msgpack decoder cannot unpack it), so that no record walk meets a line nested thousands deep.
 *
 * Differences that come from JavaScript objects: a repeated key keeps its first position and last
 * value (Fluent Bit keeps both pairs); integer-like keys ("1", "42") are listed before the others;
 * numbers are doubles, so integers above 2^53 lose precision and 1.0 becomes 1.
 */
import type { LogRecord } from '../../record/event.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.js';

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

function isPlainObject(v: unknown): v is LogRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parsed value within MAX_JSON_DEPTH, else undefined (JSON.parse itself does not recurse). */
function bounded<T>(v: T): T | undefined {
  return nestsDeeperThan(v, MAX_JSON_DEPTH) ? undefined : v;
}

/** Parses a text holding one JSON object; undefined when Fluent Bit's JSON parser would fail. */
export function parseJsonObject(text: string): LogRecord | undefined {
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== 123 /* { */) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isPlainObject(v) ? bounded(v) : undefined;
  } catch {
    return parseLenient(text, start);
  }
}

/** Parses a string holding one JSON value of any kind the way the JSON decoder of Decode_Field does. */
export function parseJsonContainer(text: string): unknown {
  const start = skipSpace(text, 0);
  const c = text.charCodeAt(start);
  if (c !== 123 && c !== 91) return undefined;
  try {
    return bounded(JSON.parse(text) as unknown);
  } catch {
    const first = readValue(text, start);
    if (first === undefined) return undefined;
    const next = skipSpace(text, first.end);
    if (next < text.length && readValue(text, next) !== undefined) return undefined;
    return bounded(first.value);
  }
}

function parseLenient(text: string, start: number): LogRecord | undefined {
  const first = readValue(text, start);
  if (first === undefined || !isPlainObject(first.value)) return undefined;
  const next = skipSpace(text, first.end);
  if (next < text.length && readValue(text, next) !== undefined) return undefined;
  return bounded(first.value);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Reads one JSON value at `start` (yyjson stopping when done); undefined if there is none. */
function readValue(text: string, start: number): { value: unknown; end: number } | undefined {
  const c = text[start];
  if (c === '{' || c === '[' || c === '"') {
    const scanned = scanComposite(text, start);
    if (scanned === undefined) return undefined;
    try {
      return { value: JSON.parse(scanned.json), end: scanned.end };
    } catch {
      return undefined;
    }
  }
  for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
    if (text.startsWith(word, start)) return { value, end: start + word.length };
  }
  NUMBER.lastIndex = start;
  const m = NUMBER.exec(text);
  if (m && m[0].length > 0) return { value: Number(m[0]), end: start + m[0].length };
  return undefined;
}

/**
 * Finds the end of an object, array or string starting at `start` (brackets balanced outside
 * strings) and returns its text with raw control characters inside strings escaped.
 */
function scanComposite(text: string, start: number): { json: string; end: number } | undefined {
  let depth = 0;
  let inString = false;
  let out = '';
  let copied = start;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) {
        i++;
      } else if (c === 34 /* " */) {
        inString = false;
        if (depth === 0) return { json: out + text.slice(copied, i + 1), end: i + 1 };
      } else if (c < 0x20) {
        out += `${text.slice(copied, i)}\\u${c.toString(16).padStart(4, '0')}`;
        copied = i + 1;
      }
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return { json: out + text.slice(copied, i + 1), end: i + 1 };
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}
