/**
 * One client of the forward input: its bytes are split into frames (whole msgpack values, which
 * may arrive in any number of pieces), the secure forward handshake runs first when a shared key
 * is set, then each frame's records are emitted and its chunk acknowledged. A frame Fluent Bit
 * would refuse, malformed msgpack or a frame larger than Buffer_Max_Size closes this connection
 * only.
 */
import type { Socket } from 'node:net';
import { pack } from 'msgpackr';
import { MsgpackError, decodeRaw, newScan, scanValue } from '../../shared/forward/msgpack-bytes.js';
import { answerPing, helo, type ServerSecrets } from '../../shared/forward/secure-forward.js';
import { FrameError, decodeFrame, type Frame, type FrameLimits } from './frames.js';

/** What a connection needs from its input. */
export interface ConnectionHost {
  readonly secrets: ServerSecrets | undefined;
  /** Largest frame (Buffer_Max_Size, at least Buffer_Chunk_Size). */
  readonly maxFrame: number;
  readonly limits: FrameLimits;
  /** Emits the records of a frame (the sender's tag given); false when the input is stopped. */
  accept(frame: Frame): boolean;
  /** Counts and logs why this connection is closed. */
  failed(peer: string, reason: string): void;
  isPaused(): boolean;
  closed(conn: ForwardConnection): void;
}

export class ForwardConnection {
  private pending: Buffer = Buffer.alloc(0);
  /** How far the frame at the start of `pending` has been scanned. */
  private scan = newScan();
  private handshake: { nonce: Buffer; auth: Buffer } | undefined;
  /** Closed by this side (a refused frame, the input stopping): nothing more is read. */
  private done = false;
  /** The client closed its side; frames already received are still read (after a pause). */
  private remoteClosed = false;
  private finished = false;
  /** Read frames even while the input is paused (it is stopping). */
  private draining = false;
  readonly peer: string;

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.peer = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort ?? ''}` : 'unix socket client';
    if (host.secrets) {
      const h = helo();
      this.handshake = { nonce: h.nonce, auth: h.auth };
      socket.write(h.message);
    }
    socket.on('data', (d: Buffer) => {
      this.pending = this.pending.length === 0 ? d : Buffer.concat([this.pending, d]);
      this.process();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.remoteClosed = true;
      this.process();
    });
    if (host.isPaused()) socket.pause();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
    this.process();
  }

  /** The input stops: the frames already received are read (paused or not), then the connection is closed. */
  drain(): void {
    this.draining = true;
    this.readFrames();
    this.close();
  }

  close(): void {
    this.done = true;
    this.pending = Buffer.alloc(0);
    this.socket.destroy();
  }

  /** Once the client has gone and every complete frame is read: what is left is a cut frame. */
  private finishIfDrained(): void {
    if (this.finished || !this.remoteClosed || (this.host.isPaused() && !this.done && this.pending.length > 0)) return;
    this.finished = true;
    if (this.pending.length > 0) {
      this.host.failed(this.peer, `the client closed the connection in the middle of a frame (${this.pending.length} bytes not read)`);
      this.pending = Buffer.alloc(0);
    }
    this.host.closed(this);
  }

  /** Reads every complete frame in the buffer (stops while the input is paused). */
  process(): void {
    this.readFrames();
    this.finishIfDrained();
  }

  private readFrames(): void {
    while (!this.done && (this.draining || !this.host.isPaused()) && this.pending.length > 0) {
      let end: number;
      try {
        end = scanValue(this.pending, this.scan);
      } catch (err) {
        this.fail(err instanceof MsgpackError ? `malformed msgpack: ${err.message}` : String(err));
        return;
      }
      if (end < 0 ? this.pending.length > this.host.maxFrame : end > this.host.maxFrame) {
        this.fail(`incoming data exceed limit (${this.host.maxFrame} bytes, Buffer_Max_Size)`);
        return;
      }
      if (end < 0) return;
      const bytes = this.pending.subarray(0, end);
      this.pending = this.pending.subarray(end);
      this.scan = newScan();
      if (this.handshake) this.checkPing(bytes, this.handshake);
      else this.frame(bytes);
    }
  }

  private checkPing(bytes: Buffer, h: { nonce: Buffer; auth: Buffer }): void {
    let answer: ReturnType<typeof answerPing>;
    try {
      answer = answerPing(decodeRaw(bytes), h.nonce, h.auth, this.host.secrets!);
    } catch (err) {
      answer = { ok: false, reason: `invalid PING message: ${(err as Error).message}` };
    }
    if (!answer.ok) {
      this.fail(`handshake refused: ${answer.reason ?? 'invalid PING'}`, answer.pong);
      return;
    }
    this.socket.write(answer.pong!);
    this.handshake = undefined;
  }

  private frame(bytes: Buffer): void {
    let frame: Frame;
    try {
      frame = decodeFrame(bytes, this.host.limits);
    } catch (err) {
      if (err instanceof FrameError || err instanceof MsgpackError) {
        this.fail(err.message);
        return;
      }
      throw err;
    }
    if (!this.host.accept(frame)) return;
    if (frame.chunk !== undefined) this.socket.write(pack({ ack: frame.chunk }));
  }

  /** Counts and logs `reason`, then closes the connection (after sending `last`, e.g. a refusal PONG). */
  private fail(reason: string, last?: Buffer): void {
    this.host.failed(this.peer, reason);
    if (last === undefined) {
      this.close();
      return;
    }
    this.done = true;
    this.pending = Buffer.alloc(0);
    this.socket.end(last);
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }
}
