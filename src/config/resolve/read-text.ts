/**
 * Reads configuration text with bounds, so that no input can make the reader hang or run out of
 * memory: only regular files are opened (a FIFO or /dev/zero is refused, not read), at most
 * `maxBytes` are kept, and Fluent Bit's classic line limit is applied while reading.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fileKind } from '../../file-kind.js';

/**
 * Fluent Bit's classic reader doubles its line buffer up to 32 MiB and stops when a line (with its
 * newline) does not fit in it (`line_hard_limit` in flb_cf_fluentbit.c): a line of 32 MiB or more.
 */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/**
 * logferry reads at most this much configuration text for one configuration (main file, includes
 * and parsers files together). Fluent Bit has no such limit, but real configurations are a few
 * kilobytes and checking text costs about a second per megabyte.
 */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface ReadLimits {
  /** Bytes that may still be read. */
  readonly maxBytes: number;
  /** Apply Fluent Bit's classic line limit (YAML files have none: libyaml reads any length). */
  readonly lineLimit: boolean;
}

/** A whole budget, without the classic line limit. */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: MAX_CONFIG_BYTES, lineLimit: false };

/** Why a file was not read: not a regular file, a line over Fluent Bit's limit, or over logferry's size limit. */
export class ConfigReadError extends Error {
  constructor(
    message: string,
    /** The line the problem is on (1-based), when there is one. */
    readonly line?: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConfigReadError';
  }
}

const CHUNK = 1024 * 1024;
const MiB = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;

export function lineTooLong(line: number): ConfigReadError {
  return new ConfigReadError(
    `line ${line} is ${MiB(MAX_LINE_BYTES)} or longer; Fluent Bit reads classic lines up to ${MiB(MAX_LINE_BYTES)}`,
    line,
    `Fluent Bit stops with "reading line is exceeded to the limit size of ${MAX_LINE_BYTES}"`,
  );
}

export function tooLarge(line: number, maxBytes: number): ConfigReadError {
  return new ConfigReadError(
    `the configuration goes past ${MiB(MAX_CONFIG_BYTES)} at line ${line}${maxBytes < MAX_CONFIG_BYTES ? ` (${MiB(MAX_CONFIG_BYTES - maxBytes)} read before this file)` : ''}`,
    line,
    `logferry checks at most ${MiB(MAX_CONFIG_BYTES)} of configuration text (main file, includes and parsers files together)`,
  );
}

/**
 * Tracks lines while bytes stream past: line numbers, the line limit, and the line where the size
 * limit is crossed. Works on bytes, like Fluent Bit (a line's length is counted in bytes).
 */
class LineScanner {
  line = 1;
  /** Bytes of the current line so far. */
  lineBytes = 0;
  /** Line where the byte budget was crossed, once it is. */
  overAt: number | undefined;
  private seen = 0;

  constructor(private readonly limits: ReadLimits) {}

  /** Scans one chunk; throws at a line over the limit. */
  scan(chunk: Uint8Array): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      const end = nl < 0 ? chunk.length : nl + 1;
      this.take(end - from);
      if (this.limits.lineLimit && this.lineBytes >= MAX_LINE_BYTES) throw lineTooLong(this.line);
      if (nl < 0) return;
      this.line++;
      this.lineBytes = 0;
      from = end;
    }
  }

  private take(n: number): void {
    this.lineBytes += n;
    this.seen += n;
    if (this.overAt === undefined && this.seen > this.limits.maxBytes) this.overAt = this.line;
  }
}

/** Checks text already in memory (a ConfigMap's data key) against the same limits. */
export function checkText(text: string, limits: ReadLimits): void {
  const bytes = Buffer.from(text, 'utf8');
  const scanner = new LineScanner(limits);
  scanner.scan(bytes);
  if (scanner.overAt !== undefined) throw tooLarge(scanner.overAt, limits.maxBytes);
}

/**
 * The text of a regular file, read within `limits`. Throws a ConfigReadError for what the limits
 * refuse, and the usual NodeJS.ErrnoException when the file cannot be opened or read.
 */
export function readBounded(abs: string, limits: ReadLimits): string {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ConfigReadError(`${fileKind(st)}, not a regular file`, undefined, 'Fluent Bit reads configuration from regular files');
    const scanner = new LineScanner(limits);
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      scanner.scan(chunk);
      if (scanner.overAt === undefined) {
        kept.push(Buffer.from(chunk));
        keptBytes += n;
        continue;
      }
      kept.length = 0;
      // Past the budget: read on only while the line in progress could still break Fluent Bit's
      // line limit (that is the error Fluent Bit would give), at most MAX_LINE_BYTES more.
      if (!limits.lineLimit || scanner.line !== scanner.overAt) break;
    }
    if (scanner.overAt !== undefined) throw tooLarge(scanner.overAt, limits.maxBytes);
    return Buffer.concat(kept, keptBytes).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
