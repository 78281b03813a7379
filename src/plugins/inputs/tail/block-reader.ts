/**
 * Block reads of one file. While a file is read in full blocks (a backlog: read from its head, or
 * a burst of writes), the next two blocks are read ahead into other buffers while the caller
 * processes the current one, so the main thread does not wait for the thread pool between blocks
 * (one block ahead, it still waited 30-50 ms per million lines on a busy machine: bench/NOTES.md,
 * "tail pipelines: wall time"). Read-ahead buffers come from a small pool shared by the input's
 * files; a file without them reads into the input's shared buffer.
 */
import type { FileHandle } from 'node:fs/promises';

/** Blocks read ahead of the one the caller processes. */
const AHEAD_BLOCKS = 2;

/** A few sets of buffers (one per block in use at once), lent to files that read ahead. */
export class AheadPool {
  private lent = 0;
  private readonly free: Buffer[][] = [];

  constructor(
    private readonly blockSize: number,
    private readonly capacity: number,
  ) {}

  lend(): Buffer[] | undefined {
    const set = this.free.pop();
    if (set !== undefined) return set;
    if (this.lent >= this.capacity) return undefined;
    this.lent++;
    return Array.from({ length: AHEAD_BLOCKS + 1 }, () => Buffer.allocUnsafe(this.blockSize));
  }

  give(set: Buffer[]): void {
    this.free.push(set);
  }
}

interface Ahead {
  readonly pos: number;
  readonly buf: Buffer;
  readonly done: Promise<number>;
}

export class BlockReader {
  private own: Buffer[] | undefined;
  /** Reads in flight, in file order: each starts where the one before it would end when full. */
  private readonly ahead: Ahead[] = [];
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
    if (this.idle) await this.release();
    let buf: Buffer;
    let n: number;
    const a = this.ahead.shift();
    if (a !== undefined && a.pos === pos) {
      buf = a.buf;
      n = await a.done;
    } else {
      if (a !== undefined) this.ahead.unshift(a);
      await this.settle();
      buf = this.own !== undefined ? this.own[0]! : shared;
      n = (await this.handle.read(buf, 0, buf.length, pos)).bytesRead;
    }
    if (n === buf.length) {
      this.own ??= this.pool.lend();
      if (this.own !== undefined) this.readAhead(buf, pos + n);
    } else if (this.own !== undefined) {
      this.idle = true;
    }
    return { buf, n };
  }

  /** Waits for the reads in flight and gives the buffers back. */
  async close(): Promise<void> {
    await this.release();
  }

  /** Starts reads up to AHEAD_BLOCKS blocks past the one in `current` (which ends at `next`), into buffers nothing uses. */
  private readAhead(current: Buffer, next: number): void {
    const own = this.own!;
    let at = this.ahead.length > 0 ? this.ahead[this.ahead.length - 1]!.pos + current.length : next;
    while (this.ahead.length < AHEAD_BLOCKS) {
      const free = own.find((b) => b !== current && !this.ahead.some((x) => x.buf === b));
      if (free === undefined) return;
      const pos = at;
      const done = this.handle.read(free, 0, free.length, pos).then((r) => r.bytesRead);
      // Reported at the `read` of its position (or dropped by `settle`).
      done.catch(() => undefined);
      this.ahead.push({ pos, buf: free, done });
      at += free.length;
    }
  }

  /** Waits for the reads in flight (their buffers are then free) and forgets them. */
  private async settle(): Promise<void> {
    while (this.ahead.length > 0) await this.ahead.shift()!.done.catch(() => 0);
  }

  private async release(): Promise<void> {
    this.idle = false;
    await this.settle();
    if (this.own !== undefined) {
      this.pool.give(this.own);
      this.own = undefined;
    }
  }
}
