import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../parsers/json-depth.js';
import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt, unsupportedWhen } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Parses a JSON object template. Fluent Bit does not refuse to start on unparsable JSON: it warns
 * and falls back to its built-in default, so that is a warning here too. Valid JSON that is not an
 * object makes Fluent Bit emit nothing (and log an error on every tick), so that is an error.
 */
function jsonObject(fallbackText: string): (text: string) => ParseOutcome<JsonObject> {
  return (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return {
        ok: true,
        value: JSON.parse(fallbackText) as JsonObject,
        warning: `'${text}' is not valid JSON (${(err as Error).message}); Fluent Bit uses ${fallbackText} instead`,
      };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, message: `'${text}' is not a JSON object`, hint: 'write a single object, e.g. {"message":"hello"}' };
    }
    // Fluent Bit packs it but cannot unpack it: nothing is emitted.
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      return { ok: false, message: `the JSON object nests deeper than ${MAX_JSON_DEPTH} levels`, hint: `keep it within ${MAX_JSON_DEPTH} levels of objects and arrays` };
    }
    return { ok: true, value: value as JsonObject };
  };
}

const DEFAULT_BODY = '{"message":"dummy"}';
const DEFAULT_METADATA = '{}';

/** The options of `dummy` (its own keys; defineInput merges the common ones). */
export const DUMMY_OPTIONS = {
  dummy: opt.custom('json', { default: DEFAULT_BODY, doc: 'The record to emit, as a JSON object' }, jsonObject(DEFAULT_BODY)),
  metadata: opt.custom('json', { default: DEFAULT_METADATA, doc: 'Metadata attached to each emitted record, as a JSON object' }, jsonObject(DEFAULT_METADATA)),
  rate: opt.int({ default: '1', doc: 'Events per second (ignored when interval_sec or interval_nsec is set; below 2 means 1)' }),
  interval_sec: opt.int({ default: '0', doc: 'Seconds between events; with interval_nsec, overrides rate' }),
  interval_nsec: opt.int({ default: '0', doc: 'Nanoseconds between events; with interval_sec, overrides rate' }),
  samples: opt.int({ default: '0', doc: 'Stop after this many events (0 = no limit)' }),
  copies: opt.int({ default: '1', doc: 'Records emitted per event' }),
  start_time_sec: opt.int({ default: '-1', doc: 'Fixed timestamp seconds for the records (-1 = current time)' }),
  start_time_nsec: opt.int({ default: '-1', doc: 'Fixed timestamp nanoseconds for the records (-1 = current time)' }),
  fixed_timestamp: unsupportedWhen(opt.bool({ default: 'off', doc: 'Build the event once and re-emit it with the same timestamp every time' }), {
    when: (v) => v,
    values: 'On',
    reason: 'events carry the current time, or start_time_sec/start_time_nsec when one is set',
    severity: 'warning',
  }),
  flush_on_startup: opt.bool({ default: 'false', doc: 'Emit the first event at startup instead of after one interval' }),
  test_hang_on_exit: opt.unsupported({
    doc: 'Hang on shutdown (Fluent Bit self-test of its hot-reload watchdog)',
    reason: 'a Fluent Bit internal test hook',
  }),
} as const;

/** The typed options the `dummy` runtime receives (common keys included). */
export type DummyOptions = OptionsOfTable<'input', typeof DUMMY_OPTIONS>;

/** Cross-key rules of `dummy` (the definition's `check`). */
export function checkDummy(o: DummyOptions, ctx: CheckContext): void {
  if (o.interval_sec < 0 || o.interval_nsec < 0) {
    ctx.report('invalid-value', 'interval_sec and interval_nsec must not be negative; Fluent Bit ignores both and uses rate', {
      key: o.interval_sec < 0 ? 'interval_sec' : 'interval_nsec',
      severity: 'warning',
    });
  }
  const intervalUsed = o.interval_sec >= 0 && o.interval_nsec >= 0 && (o.interval_sec > 0 || o.interval_nsec > 0);
  if (o.rate < 1 && !intervalUsed) {
    ctx.report('invalid-value', `rate ${o.rate} is below 1; Fluent Bit emits one event per second`, { key: 'rate', severity: 'warning' });
  }
  if (o.copies < 1) {
    ctx.report('invalid-value', `copies ${o.copies} emits no records`, { key: 'copies', severity: 'warning', hint: 'use 1 or more' });
  }
}

