import type { Socket } from 'node:net';
import { nowNanos, type LogEvent } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import { listen, remoteAddress, type Listener } from '../shared/listener.js';
import { scanJson, splitRecords } from './frames.js';
import { TCP_DEFAULT_PORT, type TcpOptions } from './options.js';

const CR = 0x0d;
const LF = 0x0a;

/** Drop reasons (metrics `dropped_records` by reason). */
export const TCP_DROPS = {
  invalid: 'invalid JSON (skipped through the end of its line)',
  beyond: 'message beyond Buffer_Size (connection closed)',
  cut: 'connection closed in the middle of a message',
} as const;

/**
 * Fluent Bit `in_tcp`: accepts connections on Listen:Port (TLS with the tls.* keys) and reads
 * JSON maps (`Format json`; an array is one record `{"msg": [...]}`) or separator-delimited text
 * (`Format none`, records `{"log": text}`), stamped with the time they are read. A connection
 * whose pending message outgrows Buffer_Size is closed; an invalid JSON line is skipped (counted,
 * logged) and the connection goes on. Pausing stops reading every socket (the senders wait in TCP), where
 * Fluent Bit closes the connections.
 */
export class TcpInput implements InputRuntime {
  readonly pausesWithoutLoss = true;
  private listener: Listener | undefined;
  private paused = false;
  private readonly separator: Buffer;
  /** The most a connection may hold unread: Fluent Bit's buffer grows by Chunk_Size up to Buffer_Size, one byte kept for a NUL. */
  private readonly limit: number;

  constructor(
    private readonly o: TcpOptions,
    private readonly ctx: InputContext,
  ) {
    this.separator = Buffer.from(o.separator, 'utf8');
    const buffer = o.buffer_size ?? o.chunk_size;
    this.limit = Math.max(o.chunk_size, Math.floor(buffer / o.chunk_size) * o.chunk_size) - 1;
  }

  async start(): Promise<void> {
    this.listener = await listen(this.o, TCP_DEFAULT_PORT, this.ctx, (socket) => this.accept(socket));
    this.ctx.log.info(`listening on ${this.listener.address.host}:${this.listener.address.port}${this.o.tls ? ' (TLS)' : ''}`);
  }

  private accept(socket: Socket): void {
    const from = remoteAddress(socket);
    let pending: Buffer = Buffer.alloc(0);
    /** The rest of an invalid JSON line is still arriving: skipped through its newline. */
    let skipping = false;
    if (this.paused) socket.pause();
    socket.on('data', (data: Buffer) => {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      // As Fluent Bit after each read: one CR or LF at the start of the buffer is skipped.
      if (!skipping && (pending[0] === CR || pending[0] === LF)) pending = pending.subarray(1);
      // Fluent Bit reads at most its buffer (Buffer_Size) at a time: a message must fit in it.
      while (pending.length > 0) {
        if (skipping) {
          const eol = pending.indexOf(LF);
          skipping = eol < 0;
          pending = eol < 0 ? Buffer.alloc(0) : pending.subarray(eol + 1);
          continue;
        }
        const window = pending.length > this.limit ? pending.subarray(0, this.limit) : pending;
        const consumed = this.o.format === 'json' ? this.readJson(window, from, () => (skipping = true)) : this.readText(window);
        pending = pending.subarray(consumed);
        if (consumed > 0) continue;
        if (window.length === this.limit) {
          this.ctx.log.warn(`${from}: incoming data exceeds 'Buffer_Size' (${Math.floor((this.o.buffer_size ?? this.o.chunk_size) / 1024)} KB); connection closed`);
          this.ctx.counters.drop(TCP_DROPS.beyond, 1);
          pending = Buffer.alloc(0);
          socket.destroy();
        }
        break;
      }
    });
    socket.on('error', (err) => this.ctx.log.debug(`${from}: ${err.message}`));
    socket.on('close', () => {
      if (pending.some((b) => b !== 0x20 && b !== 0x09 && b !== CR && b !== LF)) {
        this.ctx.log.warn(`${from}: connection closed with ${pending.length} bytes of an unfinished message; they are dropped`);
        this.ctx.counters.drop(TCP_DROPS.cut, 1);
      }
    });
  }

  /** Emits the complete JSON messages of `buf`; returns the bytes used. */
  private readJson(buf: Buffer, from: string, lineUnfinished: () => void): number {
    const scan = scanJson(buf);
    const time = nowNanos();
    const key = this.o.source_address_key;
    const events: LogEvent[] = [];
    for (const m of scan.messages) {
      if (!m.ok) {
        this.ctx.log.warn(`${from}: ${m.reason}; skipping it`);
        this.ctx.counters.drop(m.reason, 1);
        continue;
      }
      const record: Record<string, unknown> = Array.isArray(m.value) ? { msg: m.value } : { ...m.value };
      if (key !== undefined) record[key] = from;
      events.push({ time, record });
    }
    if (events.length > 0) this.ctx.emit(this.ctx.tag, events);
    if (scan.invalid !== undefined) {
      this.ctx.log.warn(`${from}: invalid JSON message, skipping the line (${scan.invalid})`);
      this.ctx.counters.drop(TCP_DROPS.invalid, 1);
      if (scan.lineUnfinished) lineUnfinished();
    }
    return scan.consumed;
  }

  /** Emits the separator-delimited records of `buf` (`Format none`; Fluent Bit adds no Source_Address_Key there); returns the bytes used. */
  private readText(buf: Buffer): number {
    const scan = splitRecords(buf, this.separator);
    if (scan.lines.length > 0) {
      const time = nowNanos();
      this.ctx.emit(this.ctx.tag, scan.lines.map((log) => ({ time, record: { log } })));
    }
    return scan.consumed;
  }

  pause(): void {
    this.paused = true;
    for (const s of this.listener?.sockets ?? []) s.pause();
  }

  resume(): void {
    this.paused = false;
    for (const s of this.listener?.sockets ?? []) s.resume();
  }

  async stop(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    await l?.close();
  }
}
