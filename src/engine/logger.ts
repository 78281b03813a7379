/**
 * The agent's own log, never record data: Fluent Bit's lines (`flb_log_construct` in `flb_log.c`),
 * `[2026/12/07 07:40:44.019] [ info] [input:tail:tail.0] message`: local time with slashes, the
 * level right-aligned in five columns. Fluent Bit prints the fraction from `tv_nsec` with `%03ld`
 * (nine digits, fewer and unpadded under 100 ms); logferry prints milliseconds, zero-padded, the
 * resolution of Node's clock: both read with Fluent Bit's `%Y/%m/%d %H:%M:%S.%L`.
 */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  /** A logger for a component: its lines carry `[name]`. */
  child(name: string, level?: LogLevel): Logger;
}

/** One line of the agent's log as data: what a pino or winston logger takes (`fields` holds no record data). */
export interface LogEntry {
  readonly level: Exclude<LogLevel, 'off'>;
  /** The instance (`tail.0`, an Alias) or part of the agent that logged it; undefined for the engine. */
  readonly component: string | undefined;
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

/** Receives each log line, formatted as Fluent Bit writes it, and the same line as data. */
export type LogSink = (line: string, entry: LogEntry) => void;

/** Lines written so far by every logger of the process, by level (Fluent Bit's `fluentbit_logger_logs_total`). */
const written: Record<Exclude<LogLevel, 'off'>, number> = { error: 0, warn: 0, info: 0, debug: 0, trace: 0 };

/** Lines the process' loggers have written, by level. */
export function loggedLines(): Readonly<Record<Exclude<LogLevel, 'off'>, number>> {
  return { ...written };
}

/** `warning` (Fluent Bit's alias) becomes `warn`. */
export function normalizeLevel(level: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const l = (level ?? '').toLowerCase();
  if (l === 'warning') return 'warn';
  return l in RANK ? (l as LogLevel) : fallback;
}

export function createLogger(level: LogLevel, sink: LogSink = (l) => process.stderr.write(l), name?: string): Logger {
  const at = (lvl: Exclude<LogLevel, 'off'>, tag: string) => (message: string) => {
    if (RANK[lvl] > RANK[level] || level === 'off') return;
    written[lvl]++;
    sink(`[${logTimestamp(new Date())}] [${tag}]${name ? ` [${name}]` : ''} ${message}\n`, { level: lvl, component: name, message, fields: {} });
  };
  return {
    error: at('error', 'error'),
    warn: at('warn', ' warn'),
    info: at('info', ' info'),
    debug: at('debug', 'debug'),
    trace: at('trace', 'trace'),
    child: (child, childLevel) => createLogger(childLevel ?? level, sink, child),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026/12/07 07:40:44.019` in local time, as Fluent Bit writes its log lines. */
export function logTimestamp(d: Date): string {
  return (
    `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

/**
 * The line Fluent Bit logs first (`flb_engine.c`: `[fluent bit] version=4.2.8, commit=419540c428,
 * pid=16809`). logferry runs from its package, with no git commit at hand: `commit=none` says so.
 */
export function startBanner(version: string, pid: number): string {
  return `version=${version}, commit=none, pid=${pid}`;
}
