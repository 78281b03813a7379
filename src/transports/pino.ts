/**
 * `logferry/pino`: a pino transport. pino runs it in a worker thread:
 *
 * ```ts
 * const transport = pino.transport({ target: 'logferry/pino', options: { output: 'cloudwatch_logs', region: 'us-east-1', log_group_name: 'app', log_stream_name: 'web' } });
 * const logger = pino(transport);
 * ```
 *
 * Each line goes into the configuration's `lib` input (pinoEvent says how its keys map); the
 * transport reads no further while that input is over its limit, so pino's own buffer takes the
 * wait. When the logger ends, what is buffered is delivered within the configuration's Grace.
 */
import build from 'pino-abstract-transport';
import type { Transform } from 'node:stream';
import { transportPipeline, type TransportOptions } from './options.js';
import { pinoEvent } from './records.js';

export type { TransportOptions, ConfigTransportOptions, ShorthandTransportOptions, ShorthandValue } from './options.js';

/** What pino-abstract-transport lends when `expectPinoConfig` is set: the logger's levels. */
interface PinoSource extends Transform {
  readonly levels?: { readonly labels?: Readonly<Record<number, string>> };
}

/** What pino and thread-stream add to the options they hand the worker (not the user's). */
const WORKER_KEYS = new Set(['$context', 'pinoWillSendConfig']);

export default async function logferryPinoTransport(given: TransportOptions): Promise<Transform> {
  const options = Object.fromEntries(Object.entries(given).filter(([k]) => !WORKER_KEYS.has(k))) as TransportOptions;
  const pipeline = transportPipeline(options, 'pino');
  await pipeline.start();
  const tag = options.tag;
  return build(
    async (source: PinoSource) => {
      for await (const line of source) {
        await pipeline.pushAsync(tag, [pinoEvent(line as Record<string, unknown>, source.levels?.labels)]);
      }
    },
    {
      expectPinoConfig: true,
      close: async () => {
        await pipeline.stop();
      },
    },
  );
}
