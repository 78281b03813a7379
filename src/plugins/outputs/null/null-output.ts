import type { EventBatch } from '../../../record/event.js';
import { dateKeyOption, type JsonDateFormat } from '../../../engine/format/json.js';
import type { FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import { renderBatch } from '../stdout/stdout-output.js';
import type { NullOptions } from './options.js';

/** Discards records; with a JSON `format` it encodes them first (to measure the encoder), as Fluent Bit does. */
export class NullOutput implements OutputRuntime {
  private readonly format: string | undefined;
  private readonly dateKey: string | undefined;
  private readonly dateFormat: JsonDateFormat;

  constructor(o: NullOptions, _ctx: OutputContext) {
    this.format = o.format;
    this.dateKey = dateKeyOption(o.json_date_key);
    this.dateFormat = o.json_date_format;
  }

  async flush(batch: EventBatch): Promise<FlushResult> {
    if (this.format !== undefined && this.format !== 'msgpack') {
      renderBatch(batch, this.format, { dateKey: this.dateKey, dateFormat: this.dateFormat });
    }
    return { status: 'ok' };
  }
}
