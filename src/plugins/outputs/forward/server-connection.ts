/**
 * A connection of the forward output to its server: TCP, TLS or a Unix socket, with the secure
 * forward handshake done once when it opens (as Fluent Bit does on a new keepalive connection),
 * and the server's messages (HELO, PONG, acks) read as whole msgpack values.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { decodeRaw, valueEnd, type RawValue } from '../../shared/forward/msgpack-bytes.js';
import { checkPong, pingFor, type ClientSecrets } from '../../shared/forward/secure-forward.js';

/** Where and how to connect. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly unixPath?: string;
  /** TLS options (undefined: plain TCP). */
  readonly tls?: ConnectionOptions;
  readonly sourceAddress?: string;
  /** Longest wait for the connection (ms). */
  readonly connectTimeout: number;
}

export class ServerConnection {
  private pending: Buffer = Buffer.alloc(0);
  private waiter: { resolve: (v: RawValue) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.pending = this.pending.length === 0 ? d : Buffer.concat([this.pending, d]);
      this.deliver();
    });
    socket.on('error', (err) => this.broken(err));
    socket.on('close', () => this.broken(new Error('the server closed the connection')));
  }

  /** Opens a connection; with `secrets`, runs the handshake before resolving. */
  static async open(a: ServerAddress, secrets: ClientSecrets | undefined, ioTimeout: number): Promise<ServerConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = a.unixPath !== undefined
        ? netConnect({ path: a.unixPath })
        : a.tls
          ? tlsConnect({ host: a.host, port: a.port, ...(a.sourceAddress ? { localAddress: a.sourceAddress } : {}), ...a.tls })
          : netConnect({ host: a.host, port: a.port, ...(a.sourceAddress ? { localAddress: a.sourceAddress } : {}) });
      const timer = setTimeout(() => s.destroy(new Error(`no connection within ${a.connectTimeout} ms`)), a.connectTimeout);
      s.once(a.tls && a.unixPath === undefined ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.off('error', fail);
        resolve(s);
      });
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      s.once('error', fail);
    });
    const conn = new ServerConnection(socket);
    if (secrets) {
      try {
        const { message, state } = pingFor(await conn.read(ioTimeout, 'HELO'), secrets);
        await conn.write(message);
        checkPong(await conn.read(ioTimeout, 'PONG'), state, secrets);
      } catch (err) {
        conn.destroy();
        throw new Error(`handshake failed: ${(err as Error).message}`);
      }
    }
    return conn;
  }

  get usable(): boolean {
    return this.failure === undefined && !this.socket.destroyed;
  }

  /** Writes bytes; resolves once they are handed to the operating system. */
  write(bytes: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  /** The server's next message (rejects on a closed connection, malformed bytes or after `timeout` ms). */
  read(timeout: number, what: string): Promise<RawValue> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no ${what} from the server within ${timeout} ms`));
        this.destroy();
      }, timeout);
      this.waiter = {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(new Error(`waiting for ${what}: ${e.message}`));
        },
      };
      this.deliver();
    });
  }

  destroy(): void {
    this.broken(new Error('connection closed'));
    this.socket.destroy();
  }

  private deliver(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.failure) {
      this.waiter = undefined;
      w.reject(this.failure);
      return;
    }
    let value: RawValue;
    try {
      const end = valueEnd(this.pending, 0);
      if (end < 0) return;
      value = decodeRaw(this.pending.subarray(0, end));
      this.pending = this.pending.subarray(end);
    } catch (err) {
      this.waiter = undefined;
      this.destroy();
      w.reject(err as Error);
      return;
    }
    this.waiter = undefined;
    w.resolve(value);
  }

  private broken(err: Error): void {
    this.failure ??= err;
    this.deliver();
  }
}
