import { nowNanos, type LogEvent, type LogRecord, type Nanos } from '../record/event.js';

/** pino's default levels, for lines whose level pino did not describe. */
const PINO_LABELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Milliseconds since the epoch (a number, or a date string) as nanoseconds; undefined if it is neither. */
export function nanosFromMillis(value: unknown): Nanos | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) return undefined;
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

/**
 * A pino line as a record: `time` (ms since the epoch, or a date string) becomes the record's
 * time and leaves the record, `level` stays as pino wrote it and a numeric one gains
 * `level_label` (`info`), `msg` and the bindings (pid, hostname, child bindings) stay as they are.
 */
export function pinoEvent(line: LogRecord, labels: Readonly<Record<number, string>> | undefined): LogEvent {
  const record: LogRecord = { ...line };
  const time = nanosFromMillis(record['time']);
  if (time !== undefined) delete record['time'];
  const level = record['level'];
  if (typeof level === 'number') {
    const label = labels?.[level] ?? PINO_LABELS[level];
    if (label !== undefined) record['level_label'] = label;
  }
  return { time: time ?? nowNanos(), record };
}

/**
 * A winston `info` as a record: its own string keys (level, message, metadata) as JSON values
 * (an Error becomes { name, message, stack, ... }, a bigint its decimal string); `timestamp`
 * (format.timestamp()) becomes the record's time and leaves the record.
 */
export function winstonEvent(info: object): LogEvent {
  const record = jsonRecord(info);
  const time = nanosFromMillis(record['timestamp']);
  if (time !== undefined) delete record['timestamp'];
  return { time: time ?? nowNanos(), record };
}

/** An object as a record of JSON values only (symbol keys, functions and undefined left out). */
export function jsonRecord(value: object): LogRecord {
  try {
    const parsed: unknown = JSON.parse(JSON.stringify(value, jsonValue));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as LogRecord;
    return { message: parsed };
  } catch (err) {
    // A cycle: what can be said without walking it.
    return { message: String((value as { message?: unknown }).message), logferry_error: `the log entry could not be serialized: ${(err as Error).message}` };
  }
}

function jsonValue(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { ...value, name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  return value;
}
