/**
 * `logferry/winston`: a winston transport.
 *
 * ```ts
 * const logger = winston.createLogger({ transports: [new LogferryTransport({ output: 'cloudwatch_logs', region: 'us-east-1', log_group_name: 'app', log_stream_name: 'web' })] });
 * ```
 *
 * `log(info, callback)` calls back once the record is taken by the configuration's `lib` input
 * (later while that input is over its limit), so winston's stream backpressure applies. `close()`
 * and the end of the logger deliver what is buffered within the configuration's Grace.
 */
import TransportStream from 'winston-transport';
import type { EmbeddedPipeline } from '../embed/embedded-pipeline.js';
import { transportPipeline, type TransportOptions } from './options.js';
import { winstonEvent } from './records.js';

export type { TransportOptions, ConfigTransportOptions, ShorthandTransportOptions, ShorthandValue } from './options.js';

/** winston's own transport options (level, format, silent, handleExceptions) beside logferry's. */
export type LogferryTransportOptions = TransportOptions & Omit<TransportStream.TransportStreamOptions, 'log' | 'logv' | 'close'>;

export class LogferryTransport extends TransportStream {
  /** The pipeline the records go through (started by the first record, or by `ready`). */
  readonly pipeline: EmbeddedPipeline;
  private readonly tag: string | undefined;
  private started: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(options: LogferryTransportOptions) {
    const { level, format, silent, handleExceptions, handleRejections, ...logferry } = options as LogferryTransportOptions & TransportStream.TransportStreamOptions;
    super({ ...(level ? { level } : {}), ...(format ? { format } : {}), ...(silent !== undefined ? { silent } : {}), ...(handleExceptions !== undefined ? { handleExceptions } : {}), ...(handleRejections !== undefined ? { handleRejections } : {}) });
    this.pipeline = transportPipeline(logferry as TransportOptions, 'winston');
    this.tag = (logferry as TransportOptions).tag;
  }

  /** Resolves once the pipeline runs (it starts on the first record otherwise). */
  ready(): Promise<void> {
    this.started ??= this.pipeline.start();
    return this.started;
  }

  override log(info: object, callback: () => void): void {
    this.ready()
      .then(() => this.pipeline.pushAsync(this.tag, [winstonEvent(info)]))
      .then(
        () => {
          this.emit('logged', info);
          callback();
        },
        (err: unknown) => {
          this.emit('error', err);
          callback();
        },
      );
  }

  /** Delivers what is buffered (within Grace) and stops; idempotent. */
  override close(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.started) await this.started.catch(() => undefined);
      await this.pipeline.stop();
      this.emit('closed');
    })();
    return this.stopped;
  }

  /** The logger ended: the stream finishes only once what was logged is delivered. */
  override _final(callback: (error?: Error | null) => void): void {
    this.close().then(() => callback(), callback);
  }
}

export default LogferryTransport;
