import type { EventBatch } from '../../../record/event.js';
import { dateKeyOption, formatJsonRecords, type JsonRecordOptions } from '../../../engine/format/json.js';
import { printEvent } from '../../../engine/format/msgpack-text.js';
import type { FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import type { StdoutOptions } from './options.js';

/** Renders a batch the way Fluent Bit's stdout prints it for each `format`. */
export function renderBatch(batch: EventBatch, format: string | undefined, json: JsonRecordOptions): string {
  switch (format) {
    case 'json':
      return `[${formatJsonRecords(batch, json).join(',')}]\n`;
    case 'json_lines':
      return formatJsonRecords(batch, json).map((line) => `${line}\n`).join('');
    case 'json_stream':
      return `${formatJsonRecords(batch, json).join('')}\n`;
    default:
      return batch.events.map((e, i) => printEvent(i, batch.tag, e)).join('');
  }
}

/** Writes to the host's stdout, waiting for the stream to drain (backpressure, not memory growth). */
export function writeText(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

export class StdoutOutput implements OutputRuntime {
  /** A pipe's reader sets the pace: what is queued is written before exit, whatever Grace says. */
  readonly deliversPastGrace = true;
  private readonly format: string | undefined;
  private readonly json: JsonRecordOptions;

  constructor(
    o: StdoutOptions,
    private readonly ctx: OutputContext,
  ) {
    this.format = o.format;
    // Declared unsupported in the table (a plan warning): printed as json_lines.
    if (this.format === 'otlp_json' || this.format === 'otlp_json_pretty') this.format = 'json_lines';
    this.json = { dateKey: dateKeyOption(o.json_date_key), dateFormat: o.json_date_format };
  }

  async flush(batch: EventBatch): Promise<FlushResult> {
    await writeText(this.ctx.host.stdout, renderBatch(batch, this.format, this.json));
    return { status: 'ok' };
  }
}
