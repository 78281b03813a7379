import { Writable } from 'node:stream';
import type { LogEvent, LogRecord } from '../record/event.js';

export interface WritableOptions {
  /** The `lib` input by name or Alias (default: the first one). */
  readonly input?: string;
  /** Chunks (records) the stream buffers before `write()` returns false (default 16, object mode's). */
  readonly highWaterMark?: number;
}

/**
 * An object-mode Writable whose chunks are records, handed to `push` (an awaitable push that
 * resolves once the records are taken and more are welcome): while it waits, chunks queue in the
 * stream up to highWaterMark and `write()` returns false, the stream's own backpressure.
 */
export function pushWritable(push: (records: (LogRecord | LogEvent)[], signal: AbortSignal | undefined) => Promise<void>, options: WritableOptions): Writable {
  const destroyed = new AbortController();
  return new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 16,
    write(chunk: LogRecord | LogEvent, _encoding, callback) {
      push([chunk], destroyed.signal).then(() => callback(), callback);
    },
    writev(chunks, callback) {
      push(
        chunks.map((c) => c.chunk as LogRecord | LogEvent),
        destroyed.signal,
      ).then(() => callback(), callback);
    },
    destroy(err, callback) {
      destroyed.abort(err ?? new Error('the stream was destroyed'));
      callback(err);
    },
  });
}
