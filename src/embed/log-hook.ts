import type { LogEntry } from '../engine/logger.js';

/** A pino logger: a method per level taking the fields first and the message second. */
export interface PinoLikeLogger {
  error(fields: object, message: string): unknown;
  warn(fields: object, message: string): unknown;
  info(fields: object, message: string): unknown;
  debug(fields: object, message: string): unknown;
  trace(fields: object, message: string): unknown;
}

/** A winston logger: `log` takes one object with `level` and `message`. */
export interface WinstonLikeLogger {
  log(entry: { level: string; message: string; [key: string]: unknown }): unknown;
  readonly levels?: Readonly<Record<string, number>>;
}

/**
 * Where the agent's log goes as data: a function taking each entry, or a pino or winston logger
 * given as is (each entry becomes one call with `component` and the fields beside the message).
 */
export type LogHook = ((entry: LogEntry) => void) | PinoLikeLogger | WinstonLikeLogger;

/** The function a hook amounts to. */
export function logHookFunction(hook: LogHook): (entry: LogEntry) => void {
  if (typeof hook === 'function') return hook;
  if ('log' in hook && typeof hook.log === 'function') {
    const winston = hook;
    // winston's default (npm) levels have no trace: it logs as debug there.
    const level = (l: LogEntry['level']) => (l === 'trace' && winston.levels && !('trace' in winston.levels) ? 'debug' : l);
    return (e) => void winston.log({ level: level(e.level), message: e.message, ...(e.component ? { component: e.component } : {}), ...e.fields });
  }
  const pino = hook as PinoLikeLogger;
  return (e) => void pino[e.level]({ ...(e.component ? { component: e.component } : {}), ...e.fields }, e.message);
}
