/** The agent's own log (Fluent Bit's `[time] [level] [name] message` lines), never record data. */
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

export type LogSink = (line: string) => void;

/** `warning` (Fluent Bit's alias) becomes `warn`. */
export function normalizeLevel(level: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const l = (level ?? '').toLowerCase();
  if (l === 'warning') return 'warn';
  return l in RANK ? (l as LogLevel) : fallback;
}

export function createLogger(level: LogLevel, sink: LogSink = (l) => process.stderr.write(l), name?: string): Logger {
  const at = (lvl: LogLevel, tag: string) => (message: string) => {
    if (RANK[lvl] > RANK[level] || level === 'off') return;
    const ts = new Date().toISOString().replace('T', ' ').replace('Z', '');
    sink(`[${ts}] [${tag}]${name ? ` [${name}]` : ''} ${message}\n`);
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
