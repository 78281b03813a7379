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
type FormatInput = Parameters<NonNullable<TransportStream['format']>['transform']>[0];

export type LogferryTransportOptions = TransportOptions & Omit<TransportStream.TransportStreamOptions, 'log' | 'logv' | 'close'>;

export class LogferryTransport extends TransportStream {
  /** The pipeline the records go through (started by the first record, or by `ready`). */
  readonly pipeline: EmbeddedPipeline;
  private readonly tag: string | undefined;
  private started: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  /** Pushes not answered yet: closing waits for them. */
  private readonly pending = new Set<Promise<void>>();

  constructor(options: LogferryTransportOptions) {
    const { level, format, silent, handleExceptions, handleRejections, ...logferry } = options as LogferryTransportOptions & TransportStream.TransportStreamOptions;
    super({ ...(level ? { level } : {}), ...(format ? { format } : {}), ...(silent !== undefined ? { silent } : {}), ...(handleExceptions !== undefined ? { handleExceptions } : {}), ...(handleRejections !== undefined ? { handleRejections } : {}) });
    this.pipeline = transportPipeline(logferry as TransportOptions, 'winston');
    this.tag = (logferry as TransportOptions).tag;
    this.on('pipe', (source: NodeJS.ReadableStream) => (this.source = source));
  }

  /**
   * winston ends its transports from the logger's own end, while records it still holds for them
   * (its readable side, full under backpressure) are not written yet: ending then would refuse
   * them ('write after end'). The end waits until the logger has handed everything over.
   */
  override end(...args: unknown[]): this {
    if ((this.source?.readableLength ?? 0) > 0) {
      this.once('logged', () => this.end(...args));
      return this;
    }
    return (super.end as (...a: unknown[]) => this)(...args);
  }

  /** The stream piping into this one (the winston logger). */
  private source: NodeJS.ReadableStream & { readonly readableLength?: number } | undefined;

  /** Resolves once the pipeline runs (it starts on the first record otherwise). */
  ready(): Promise<void> {
    this.started ??= this.pipeline.start();
    return this.started;
  }

  override log(info: object, callback: () => void): void {
    this.take([info], () => {
      this.emit('logged', info);
      callback();
    });
  }

  /** Several records at once (winston's writev): one push, one callback once all are taken. */
  override logv(chunks: { chunk: object }[], callback: () => void): void {
    const infos = chunks.map(({ chunk }) => (this.format ? (this.format.transform({ ...chunk } as FormatInput, this.format.options) as object | false) : chunk));
    const taken = infos.filter((i): i is object => i !== false);
    this.take(taken, () => {
      for (const info of taken) this.emit('logged', info);
      callback();
    });
  }

  /** Pushes the records (waiting while the input is over its limit), then calls back. */
  private take(infos: object[], callback: () => void): void {
    const pushed = this.ready()
      .then(() => this.pipeline.pushAsync(this.tag, infos.map(winstonEvent)))
      .then(callback, (err: unknown) => {
        this.emit('error', err);
        callback();
      })
      .finally(() => this.pending.delete(pushed));
    this.pending.add(pushed);
  }

  /** Delivers what is buffered (within Grace) and stops; idempotent. */
  override close(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.started) await this.started.catch(() => undefined);
      while (this.pending.size > 0) await Promise.all(this.pending);
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
