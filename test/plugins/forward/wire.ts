/**
 * The forward protocol as the tests speak it, written here rather than taken from the plugins:
 * a Fluentd-style client (frames built byte by byte, the handshake digests computed with
 * node:crypto) for the input, and a small forward server for the output.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pack, unpack } from 'msgpackr';
import { EventTime } from '../../../src/plugins/shared/forward/event-time.js';
import { decodeRaw, valueEnd, type RawValue } from '../../../src/plugins/shared/forward/msgpack-bytes.js';
import { REPO_ROOT } from '../../support/cli.js';

/** msgpack of a plain value (tags, records, options). */
export const p = (v: unknown): Buffer => pack(v);

/** An EventTime: fixext 8 (0xd7), type 0, u32 seconds and u32 nanoseconds big-endian. */
export function eventTime(sec: number, nsec: number): Buffer {
  const b = Buffer.alloc(10);
  b[0] = 0xd7;
  b[1] = 0;
  b.writeUInt32BE(sec, 2);
  b.writeUInt32BE(nsec, 6);
  return b;
}

/** An array of already-encoded elements. */
export function arr(...items: Buffer[]): Buffer {
  const n = items.length;
  const head = n < 16 ? Buffer.from([0x90 | n]) : Buffer.from([0xdc, n >> 8, n & 0xff]);
  return Buffer.concat([head, ...items]);
}

/** str (0xdb) or bin (0xc6) holding exactly these bytes. */
export function str32(data: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h[0] = 0xdb;
  h.writeUInt32BE(data.length, 1);
  return Buffer.concat([h, data]);
}
export function bin32(data: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h[0] = 0xc6;
  h.writeUInt32BE(data.length, 1);
  return Buffer.concat([h, data]);
}

const hex512 = (...parts: (Buffer | string)[]): string => {
  const h = createHash('sha512');
  for (const x of parts) h.update(x);
  return h.digest('hex');
};

/** Reads whole msgpack values from a socket, as they arrive. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;

  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  /** The next message, or undefined once the peer closed without sending one. */
  async next(): Promise<RawValue | undefined> {
    for (;;) {
      const end = this.buf.length > 0 ? valueEnd(this.buf, 0) : -1;
      if (end > 0) {
        const v = decodeRaw(this.buf.subarray(0, end));
        this.buf = this.buf.subarray(end);
        return v;
      }
      if (this.closed) return undefined;
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = undefined;
    }
  }
}

/** A Fluentd-style forward client. */
export class FluentdClient {
  private readonly reader: Reader;

  private constructor(readonly socket: Socket) {
    this.reader = new Reader(socket);
  }

  static async connect(where: { port: number } | { path: string }, tls?: { ca: Buffer }): Promise<FluentdClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tls && 'port' in where ? tlsConnect({ host: '127.0.0.1', port: where.port, ca: tls.ca, servername: 'localhost' }) : 'port' in where ? connect(where.port, '127.0.0.1') : connect(where.path);
      s.once(tls ? 'secureConnect' : 'connect', () => resolve(s));
      s.once('error', reject);
    });
    return new FluentdClient(socket);
  }

  send(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  next(): Promise<RawValue | undefined> {
    return this.reader.next();
  }

  /** HELO, PING, PONG as a Fluentd client does it; returns the PONG. */
  async handshake(sharedKey: string, hostname = 'client-host', user?: { name: string; password: string }): Promise<RawValue[]> {
    const helo = (await this.next()) as RawValue[];
    const options = helo[1] as Map<string, RawValue>;
    const nonce = options.get('nonce') as Buffer;
    const auth = options.get('auth') as Buffer;
    const salt = randomBytes(16);
    const ping = arr(
      p('PING'),
      p(hostname),
      str32(salt),
      p(hex512(salt, hostname, nonce, sharedKey)),
      p(user?.name ?? ''),
      p(user ? hex512(auth, user.name, user.password) : ''),
    );
    await this.send(ping);
    const pong = (await this.next()) as RawValue[];
    if (pong[1] === true) {
      const serverHost = pong[3] as Buffer;
      if ((pong[4] as Buffer).toString() !== hex512(salt, serverHost, nonce, sharedKey)) throw new Error('server digest mismatch');
    }
    return pong;
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(): Promise<void> {
    while ((await this.next()) !== undefined);
  }

  end(): void {
    this.socket.end();
  }
}

/** One entry a forward server received. */
export interface ReceivedEntry {
  readonly tag: string;
  /** Seconds and nanoseconds, or seconds only for an integer time. */
  readonly time: { sec: number; nsec: number } | number;
  /** The metadata map of a [[time, metadata], record] entry. */
  readonly metadata?: unknown;
  readonly record: unknown;
}

export interface ReceivedMessage {
  readonly tag: string;
  readonly mode: 'message' | 'forward' | 'packed' | 'compressed';
  readonly options: Record<string, unknown> | undefined;
  readonly entries: ReceivedEntry[];
}

export interface ServerBehaviour {
  sharedKey?: string;
  users?: Record<string, string>;
  /** Ack chunks (default true); 'wrong' answers another chunk id; 'close' closes instead. */
  ack?: boolean | 'wrong' | 'close';
}

function timeValue(t: unknown): ReceivedEntry['time'] {
  if (t instanceof EventTime) return { sec: t.sec, nsec: t.nsec };
  return t as number;
}

function entryOf(tag: string, e: unknown[]): ReceivedEntry {
  if (Array.isArray(e[0])) return { tag, time: timeValue(e[0][0]), metadata: e[0][1], record: e[1] };
  return { tag, time: timeValue(e[0]), record: e[1] };
}

/** A forward server for the output tests: decodes what it receives, acks, handshakes. */
export class ForwardServer {
  readonly messages: ReceivedMessage[] = [];
  readonly handshakes: { hostname: string; ok: boolean }[] = [];
  behaviour: ServerBehaviour;
  /** Connections accepted so far. */
  connections = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    behaviour: ServerBehaviour,
  ) {
    this.behaviour = behaviour;
  }

  static async start(behaviour: ServerBehaviour = {}): Promise<ForwardServer> {
    const server = createServer();
    const fs = new ForwardServer(server, behaviour);
    server.on('connection', (s) => void fs.serve(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return fs;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get entries(): ReceivedEntry[] {
    return this.messages.flatMap((m) => m.entries);
  }

  private async serve(socket: Socket): Promise<void> {
    this.sockets.add(socket);
    this.connections++;
    socket.on('close', () => this.sockets.delete(socket));
    let buf: Buffer = Buffer.alloc(0);
    let wake: (() => void) | undefined;
    let closed = false;
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      wake?.();
    });
    socket.on('close', () => {
      closed = true;
      wake?.();
    });
    socket.on('error', () => undefined);
    const nextBytes = async (): Promise<Buffer | undefined> => {
      for (;;) {
        const end = buf.length > 0 ? valueEnd(buf, 0) : -1;
        if (end > 0) {
          const out = buf.subarray(0, end);
          buf = buf.subarray(end);
          return out;
        }
        if (closed) return undefined;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    };
    const b = this.behaviour;
    if (b.sharedKey !== undefined) {
      const nonce = randomBytes(16);
      const auth = randomBytes(16);
      socket.write(Buffer.concat([Buffer.from([0x92]), p('HELO'), Buffer.from([0x82]), p('nonce'), str32(nonce), p('auth'), str32(auth)]));
      const bytes = await nextBytes();
      if (!bytes) return;
      const ping = decodeRaw(bytes) as Buffer[];
      const [, hostname, salt, digest, user, passwordDigest] = ping;
      const keyOk = digest!.toString() === hex512(salt!, hostname!, nonce, b.sharedKey);
      const users = b.users ?? {};
      const userOk = Object.keys(users).length === 0 || (users[user!.toString()] !== undefined && passwordDigest!.toString() === hex512(auth, user!, users[user!.toString()]!));
      this.handshakes.push({ hostname: hostname!.toString(), ok: keyOk && userOk });
      if (!keyOk) {
        socket.destroy();
        return;
      }
      socket.write(arr(p('PONG'), p(userOk), p(userOk ? '' : 'username/password mismatch'), p('server-host'), p(userOk ? hex512(salt!, 'server-host', nonce, b.sharedKey) : '')));
      if (!userOk) {
        socket.end();
        return;
      }
    }
    for (let bytes = await nextBytes(); bytes; bytes = await nextBytes()) {
      const msg = unpack(bytes) as unknown[];
      const tag = msg[0] as string;
      let m: ReceivedMessage;
      if (Array.isArray(msg[1])) {
        m = { tag, mode: 'forward', options: msg[2] as Record<string, unknown> | undefined, entries: (msg[1] as unknown[][]).map((e) => entryOf(tag, e)) };
      } else if (msg[1] instanceof Uint8Array) {
        const options = msg[2] as Record<string, unknown> | undefined;
        const data = options?.['compressed'] === 'gzip' ? gunzipSync(msg[1]) : Buffer.from(msg[1]);
        const entries: ReceivedEntry[] = [];
        for (let pos = 0; pos < data.length; ) {
          const end = valueEnd(data, pos);
          entries.push(entryOf(tag, unpack(data.subarray(pos, end)) as unknown[]));
          pos = end;
        }
        m = { tag, mode: options?.['compressed'] === 'gzip' ? 'compressed' : 'packed', options, entries };
      } else {
        m = { tag, mode: 'message', options: msg[3] as Record<string, unknown> | undefined, entries: [{ tag, time: timeValue(msg[1]), record: msg[2] }] };
      }
      const chunk = m.options?.['chunk'];
      if (typeof chunk === 'string') {
        if (b.ack === 'close') {
          socket.destroy();
          return;
        }
        if (b.ack !== false) socket.write(p({ ack: b.ack === 'wrong' ? 'not-the-chunk' : chunk }));
      }
      this.messages.push(m);
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** The repository's self-signed certificate for localhost and 127.0.0.1 (fixtures/tls), for the TLS tests. */
export const LOCAL_TLS = { cert: join(REPO_ROOT, 'fixtures/tls/localhost.crt'), key: join(REPO_ROOT, 'fixtures/tls/localhost.key') } as const;
