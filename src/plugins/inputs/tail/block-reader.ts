/**
 * Block reads of one file. While a file is read in full blocks (a backlog: read from its head, or
 * a burst of writes), the next block is read ahead into a second buffer while the caller processes
 * the current one, so the main thread does not wait for the thread pool between blocks. Read-ahead
 * buffers come from a small pool shared by the input's files; a file without one reads into the
 * input's shared buffer.
 */
import type { FileHandle } from 'node:fs/promises';

/** A few pairs of buffers, lent to files that read ahead. */
export class AheadPool {
  private lent = 0;
  private readonly free: [Buffer, Buffer][] = [];

  constructor(
    private readonly blockSize: number,
    private readonly capacity: number,
  ) {}

  lend(): [Buffer, Buffer] | undefined {
    const pair = this.free.pop();
    if (pair !== undefined) return pair;
    if (this.lent >= this.capacity) return undefined;
    this.lent++;
    return [Buffer.allocUnsafe(this.blockSize), Buffer.allocUnsafe(this.blockSize)];
  }

  give(pair: [Buffer, Buffer]): void {
    this.free.push(pair);
  }
}

interface Ahead {
  readonly pos: number;
  readonly buf: Buffer;
  readonly done: Promise<number>;
}

export class BlockReader {
  private own: [Buffer, Buffer] | undefined;
  /** The own buffer the caller may be processing (the other one is free for the next read). */
  private current = 0;
  private ahead: Ahead | undefined;
  /** The last read was short: give the buffers back at the next read. */
  private idle = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly pool: AheadPool,
  ) {}

  /**
   * The bytes at `pos` (up to one block): the buffer holding them, valid until the next call, and
   * how many. Throws what the read throws.
   */
  async read(pos: number, shared: Buffer): Promise<{ buf: Buffer; n: number }> {
    if (this.idle) this.release();
    let buf: Buffer;
    let n: number;
    const a = this.ahead;
    this.ahead = undefined;
    if (a !== undefined && a.pos === pos) {
      buf = a.buf;
      n = await a.done;
    } else {
      if (a !== undefined) await a.done.catch(() => 0);
      buf = this.own !== undefined ? this.own[this.current]! : shared;
      n = (await this.handle.read(buf, 0, buf.length, pos)).bytesRead;
    }
    if (n === buf.length) {
      this.own ??= this.pool.lend();
      if (this.own !== undefined) {
        this.current = buf === this.own[0] ? 0 : 1;
        const next = this.own[this.current ^ 1]!;
        const at = pos + n;
        this.ahead = { pos: at, buf: next, done: this.handle.read(next, 0, next.length, at).then((r) => r.bytesRead) };
        // Reported at the next `read` (or dropped by `close`).
        this.ahead.done.catch(() => undefined);
      }
    } else if (this.own !== undefined) {
      this.idle = true;
    }
    return { buf, n };
  }

  /** Waits for a read in flight and gives the buffers back. */
  async close(): Promise<void> {
    const a = this.ahead;
    this.ahead = undefined;
    if (a !== undefined) await a.done.catch(() => 0);
    this.release();
  }

  private release(): void {
    this.idle = false;
    if (this.own !== undefined && this.ahead === undefined) {
      this.pool.give(this.own);
      this.own = undefined;
    }
  }
}
