/**
 * How deep record values may nest, and the bounded walks that enforce it. JavaScript walks of a
 * value (a recursive function, JSON.stringify, structuredClone) overflow the stack a few thousand
 * levels down, and a log line nested that deep is about 10 KB: any pod could write one. So:
 * - JSON text nested deeper than MAX_JSON_DEPTH does not parse (it stays a string, as in Fluent Bit);
 * - a record nested deeper than MAX_RECORD_DEPTH is dropped, counted, where it enters the pipeline;
 * - every walk of a value stops MAX_RECORD_DEPTH levels down, writing TOO_DEEP instead of what is
 *   below (only records that never went through ingestion can get there, e.g. direct calls).
 */
import { nestsDeeperThan } from '../parsers/json-depth.js';

/** The JSON bound lives with the parsers (plugin definitions use it at validation); re-exported here for the engine side. */
export { MAX_JSON_DEPTH, nestsDeeperThan } from '../parsers/json-depth.js';

/**
 * Containers a record may nest in the pipeline, the record itself being level 1. Twice
 * MAX_JSON_DEPTH, so that filters may add levels to a parsed record (Merge_Log_Key, nest), and far
 * below what the JavaScript stack allows any walk.
 */
export const MAX_RECORD_DEPTH = 128;

/** The reason a record nested too deep is dropped with. */
export const TOO_DEEP_REASON = `record nested deeper than ${MAX_RECORD_DEPTH} levels`;

/** What a walk writes in place of a value below MAX_RECORD_DEPTH levels. */
export const TOO_DEEP = `[nested deeper than ${MAX_RECORD_DEPTH} levels]`;

/** `value` with every container below `limit` levels replaced by TOO_DEEP (copies only the path to them). */
export function cutDeep(value: unknown, limit = MAX_RECORD_DEPTH): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (limit <= 0) return TOO_DEEP;
  if (!nestsDeeperThan(value, limit)) return value;
  if (Array.isArray(value)) return value.map((v) => cutDeep(v, limit - 1));
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = cutDeep((value as Record<string, unknown>)[k], limit - 1);
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/** structuredClone that cannot overflow the stack: a value too deep for it is copied with its levels below MAX_RECORD_DEPTH cut. */
export function cloneBounded<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return structuredClone(cutDeep(value)) as T;
  }
}

/**
 * JSON.stringify that cannot overflow the stack: a value too deep for it (RangeError) is written
 * with its levels below MAX_RECORD_DEPTH cut. Costs nothing more for any other value.
 */
export function stringifyBounded(value: unknown, replacer?: (this: unknown, key: string, value: unknown) => unknown): string | undefined {
  try {
    return JSON.stringify(value, replacer);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return JSON.stringify(cutDeep(value), replacer);
  }
}
