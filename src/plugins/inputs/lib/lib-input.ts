import type { LogEvent } from '../../../engine/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';

/** Records pushed by the embedding program (`pipeline.push`), under the input's Tag by default. */
export class LibInput implements InputRuntime {
  private readonly tag: string;
  private stopped = false;

  constructor(private readonly ctx: InputContext) {
    this.tag = ctx.instance.options.tag ?? ctx.instance.id;
    ctx.host.attachLibInput(ctx.instance.displayName, (tag, events) => this.push(tag, events));
  }

  private push(tag: string | undefined, events: LogEvent[]): void {
    if (this.stopped) {
      this.ctx.counters.drop('pushed after stop', events.length);
      return;
    }
    this.ctx.emit(tag ?? this.tag, events);
  }

  async start(): Promise<void> {}

  // Pushing is synchronous from the embedder's side; Mem_Buf_Limit cannot hold it back, only count.
  pause(): void {}

  resume(): void {}

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
