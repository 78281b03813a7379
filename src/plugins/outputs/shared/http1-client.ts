/**
 * A small HTTP/1.1 client for the AWS outputs' data plane (aws-json-client.ts): one request at a
 * time per keep-alive connection (node:net or node:tls), the request's head and body written as
 * they are, the answer read by a strict parser (a status line, header lines, then a body framed by
 * Content-Length, chunked, or the end of the connection). It replaces http.request, whose
 * per-request path (ClientRequest, the agent's pool key, header checks, the response stream and its
 * events) cost ~0.2 ms of CPU per request on Node 24 (bench/NOTES.md, "Firehose at Fluent Bit's CPU").
 *
 * Errors are Node's as http.request gives them: the socket's own (code kept), `socket hang up`
 * (ECONNRESET) when the connection ends before the whole answer, and an HPE_* error for an answer
 * that does not parse.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

const net = process.getBuiltinModule('node:net');
const tls = process.getBuiltinModule('node:tls');

/** An answer: status, headers (names in lower case, repeated ones joined with `, `) and the whole body. */
export interface Http1Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface Http1Options {
  readonly host: string;
  readonly port: number;
  /** TLS settings (node:tls connect options) for https; undefined for plain http. */
  readonly tls: ConnectionOptions | undefined;
  readonly localAddress?: string | undefined;
  /** Connections kept open between requests (net.keepalive). */
  readonly keepAlive: boolean;
  /** At most this many connections; further requests wait for one. */
  readonly maxSockets: number;
  /** Until a new connection's TCP connect, ms (0: none). */
  readonly connectTimeoutMs: number;
  /** The error a request fails with when its connection did not connect in time. */
  readonly connectTimeout: () => Error;
}

/** An answer head bigger than this is refused (Node's default --max-http-header-size). */
const MAX_HEAD_BYTES = 16 * 1024;

/** Node's http parser errors: a code and its message. */
function parseError(code: string, reason: string): Error {
  return Object.assign(new Error(`Parse Error: ${reason}`), { code });
}

function hangUp(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What Node's http refuses in a header value (checkInvalidHeaderChar). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** The request head (request line and header lines) as Node's http writes it for these headers. */
export function requestHead(method: string, path: string, headers: Readonly<Record<string, string>>, keepAlive: boolean): string {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  for (const name in headers) {
    const value = headers[name]!;
    if (!TOKEN.test(name)) throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), { code: 'ERR_INVALID_HTTP_TOKEN' });
    if (INVALID_VALUE.test(value)) throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), { code: 'ERR_INVALID_CHAR' });
    head += `${name}: ${value}\r\n`;
  }
  return `${head}Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
}

/** One exchange on a connection: its callbacks. */
interface Exchange {
  readonly resolve: (answer: Http1Answer) => void;
  readonly reject: (err: Error) => void;
}

/**
 * The answer parser: fed the connection's bytes, it calls `done` with each whole answer (an
 * informational 1xx answer is skipped) and throws an HPE_* error on what is not HTTP/1.x.
 */
export class AnswerParser {
  private head: Buffer[] = [];
  private headBytes = 0;
  private status = 0;
  private headers: Record<string, string> = {};
  /** Body bytes still expected (Content-Length), or the current chunk's rest. */
  private left = 0;
  private parts: Buffer[] = [];
  private state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' = 'head';
  /** A partial line (chunk size, chunk end, trailers). */
  private line = '';
  /** The connection may carry another request after this answer. */
  reusable = true;
  /** An answer ended in the last push. */
  private complete = false;

  constructor(private readonly done: (answer: Http1Answer) => void) {}

  /** Whether an answer is under way (some of it read). */
  get started(): boolean {
    return this.state !== 'head' || this.headBytes > 0;
  }

  /** The connection ended: an answer read until the end is complete; any other unfinished one is an error. */
  end(): Error | undefined {
    if (this.state === 'until-close') {
      this.finish();
      return undefined;
    }
    return hangUp();
  }

  /**
   * Reads `data`; returns how much of it was read: all of it, or up to the end of an answer (the
   * rest is not this answer's).
   */
  push(data: Buffer): number {
    let at = 0;
    this.complete = false;
    while (at < data.length && !this.complete) {
      switch (this.state) {
        case 'head':
          at = this.readHead(data, at);
          break;
        case 'length': {
          const n = Math.min(this.left, data.length - at);
          this.parts.push(data.subarray(at, at + n));
          at += n;
          this.left -= n;
          if (this.left === 0) this.finish();
          break;
        }
        case 'until-close':
          this.parts.push(data.subarray(at));
          at = data.length;
          break;
        case 'chunk-data': {
          const n = Math.min(this.left, data.length - at);
          this.parts.push(data.subarray(at, at + n));
          at += n;
          this.left -= n;
          if (this.left === 0) this.state = 'chunk-end';
          break;
        }
        default:
          at = this.readLine(data, at);
      }
    }
    return at;
  }

  private readHead(data: Buffer, at: number): number {
    // The head ends at the first CRLF CRLF, which may straddle reads: look from 3 bytes back.
    const before = this.headBytes;
    this.head.push(data.subarray(at));
    this.headBytes += data.length - at;
    const joined = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
    const end = joined.indexOf('\r\n\r\n', Math.max(0, before - 3), 'latin1');
    if (end < 0) {
      if (this.headBytes > MAX_HEAD_BYTES) throw parseError('HPE_HEADER_OVERFLOW', 'Header overflow');
      this.head = [joined];
      return data.length;
    }
    if (end + 4 > MAX_HEAD_BYTES) throw parseError('HPE_HEADER_OVERFLOW', 'Header overflow');
    this.head = [];
    this.headBytes = 0;
    this.parseHead(joined.toString('latin1', 0, end));
    return at + (end + 4 - before);
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\r\n]*)?$/.exec(lines[0]!);
    if (m === null) throw parseError('HPE_INVALID_CONSTANT', 'Expected HTTP/');
    const minor = m[1]!;
    this.status = Number(m[2]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name)) throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
      const value = line.slice(colon + 1).trim();
      if (/[\0\r\n]/.test(value)) throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char');
      const key = name.toLowerCase();
      const had = headers[key];
      if (key === 'content-length' && had !== undefined && had !== value) throw parseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length');
      headers[key] = had === undefined || key === 'content-length' ? value : `${had}, ${value}`;
    }
    if (this.status < 200) {
      // 100 Continue and other informational answers: the real answer follows.
      return;
    }
    this.headers = headers;
    const connection = (headers['connection'] ?? '').toLowerCase();
    this.reusable = minor === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const encoding = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (this.status === 204 || this.status === 304) {
      this.finish();
    } else if (encoding !== undefined) {
      if (length !== undefined) throw parseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Content-Length can\'t be present with Transfer-Encoding');
      if (!/(^|,)\s*chunked\s*$/i.test(encoding)) {
        this.state = 'until-close';
        this.reusable = false;
      } else this.state = 'chunk-size';
    } else if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) throw parseError('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
      this.left = Number(length);
      if (this.left === 0) this.finish();
      else this.state = 'length';
    } else {
      this.state = 'until-close';
      this.reusable = false;
    }
  }

  /** A CRLF-ended line of the chunked framing (size, the CRLF after data, trailers). */
  private readLine(data: Buffer, at: number): number {
    const lf = data.indexOf(10, at);
    const end = lf < 0 ? data.length : lf + 1;
    this.line += data.toString('latin1', at, end);
    if (this.state === 'chunk-end' && !'\r\n'.startsWith(this.line.slice(0, 2))) throw parseError('HPE_STRICT', 'Expected CRLF after chunk');
    if (this.line.length > MAX_HEAD_BYTES) throw parseError('HPE_HEADER_OVERFLOW', 'Chunk line overflow');
    if (lf < 0) return end;
    if (!this.line.endsWith('\r\n')) throw parseError('HPE_LF_EXPECTED', 'Missing expected CR after chunk line');
    const line = this.line.slice(0, -2);
    this.line = '';
    if (this.state === 'chunk-size') {
      const m = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (m === null) throw parseError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
      this.left = parseInt(m[1]!, 16);
      this.state = this.left === 0 ? 'trailers' : 'chunk-data';
    } else if (this.state === 'chunk-end') {
      if (line !== '') throw parseError('HPE_STRICT', 'Expected CRLF after chunk');
      this.state = 'chunk-size';
    } else if (line === '') {
      this.finish();
    } else if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:/.test(line)) {
      throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid trailer');
    }
    return end;
  }

  private finish(): void {
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const answer: Http1Answer = { status: this.status, headers: this.headers, body };
    this.parts = [];
    this.headers = {};
    this.state = 'head';
    this.complete = true;
    this.done(answer);
  }
}

/** A request waiting for a connection. */
interface Waiter {
  readonly take: (c: Connection) => void;
  readonly fail: (err: Error) => void;
}

/** A connection and the exchange it carries. */
class Connection {
  readonly socket: Socket;
  private exchange: Exchange | undefined;
  private readonly parser: AnswerParser;
  /** Releases of the bodies still being written (called at the latest when the socket closes). */
  private readonly unwritten = new Set<() => void>();
  /** The answer the last bytes completed. */
  private finished: Http1Answer | undefined;
  closed = false;

  constructor(
    private readonly pool: Http1Pool,
    o: Http1Options,
  ) {
    const at = { host: o.host, port: o.port, ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}) };
    // The server name as https.request sends it: tls.vhost, else the host unless it is an address.
    const servername = o.tls?.servername ?? (net.isIP(o.host) === 0 ? o.host : undefined);
    this.socket = o.tls !== undefined ? tls.connect({ ...o.tls, ...at, ...(servername !== undefined ? { servername } : {}) }) : net.connect(at);
    this.socket.setNoDelay(true);
    this.parser = new AnswerParser((answer) => (this.finished = answer));
    this.socket.on('data', (data: Buffer) => {
      if (this.exchange === undefined) {
        // Bytes nobody asked for: the connection's framing is lost.
        this.close();
        return;
      }
      let read: number;
      try {
        read = this.parser.push(data);
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      // Bytes after the answer: nothing was asked for them (one request at a time), so the
      // connection's framing cannot be trusted for another request.
      this.deliver(read < data.length);
    });
    this.socket.on('error', (err) => this.fail(err));
    // The server closed its side: an answer framed by the end is complete, any other is cut short.
    this.socket.on('end', () => {
      const err = this.exchange !== undefined ? this.parser.end() : undefined;
      if (err !== undefined) this.fail(err);
      else {
        this.deliver(true);
        this.close();
      }
    });
    this.socket.on('close', () => {
      for (const release of [...this.unwritten]) release();
      this.fail(hangUp());
    });
  }

  /** Sends the request: `head` then `body`; `written` is called once the body is no longer read. */
  send(exchange: Exchange, head: string, body: Buffer, written: () => void): void {
    if (this.closed) {
      written();
      exchange.reject(hangUp());
      return;
    }
    this.exchange = exchange;
    // Released when the socket is done with the body, or has closed (its writes then ended too).
    const release = () => {
      if (this.unwritten.delete(release)) written();
    };
    this.unwritten.add(release);
    this.socket.write(head, 'latin1');
    this.socket.write(body, release);
  }

  /** Drops the connection; the exchange under way fails with `err`. */
  destroy(err: Error): void {
    this.fail(err);
  }

  /** The answer the parser finished, to the exchange; the connection back to the pool unless `last`, or it cannot carry another. */
  private deliver(last: boolean): void {
    const answer = this.finished;
    if (answer === undefined) return;
    this.finished = undefined;
    const exchange = this.exchange;
    this.exchange = undefined;
    if (last || !this.parser.reusable || !this.pool.keepAlive) this.close();
    else this.pool.idle(this);
    exchange?.resolve(answer);
  }

  private fail(err: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.close();
    exchange?.reject(err);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.pool.closed(this);
  }
}

/** Keep-alive connections to one host and the requests waiting for one. */
export class Http1Pool {
  private readonly free: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Waiter[] = [];
  private destroyed = false;
  readonly keepAlive: boolean;

  constructor(private readonly o: Http1Options) {
    this.keepAlive = o.keepAlive;
  }

  /**
   * POSTs (or sends `method` with) `body`; resolves with the whole answer. `timeoutMs` bounds the
   * whole request (the connection is dropped with `onTimeout()`'s error); `written` is called
   * once the body's bytes are no longer read.
   */
  request(method: string, path: string, headers: Readonly<Record<string, string>>, body: Buffer, timeoutMs: number, onTimeout: () => Error, written: () => void): Promise<Http1Answer> {
    let head: string;
    try {
      head = requestHead(method, path, headers, this.keepAlive);
    } catch (err) {
      written();
      return Promise.reject(err as Error);
    }
    return new Promise<Http1Answer>((resolve, reject) => {
      let connection: Connection | undefined;
      let settled = false;
      const timer = setTimeout(() => {
        const err = onTimeout();
        if (connection !== undefined) connection.destroy(err);
        else waiter.fail(err);
      }, timeoutMs);
      const waiter: Waiter = {
        take: (c) => {
          connection = c;
          c.send({ resolve: (a) => settle(() => resolve(a)), reject: (e) => settle(() => reject(e)) }, head, body, written);
        },
        fail: (err) => settle(() => reject(err), true),
      };
      const settle = (then: () => void, unsent = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (unsent) {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          written();
        }
        then();
      };
      this.acquire(waiter);
    });
  }

  /** A connection for `w`: an idle one, a new one, or the next one freed. */
  private acquire(w: Waiter): void {
    if (this.destroyed) return w.fail(hangUp());
    const idle = this.free.pop();
    if (idle !== undefined) return w.take(idle);
    if (this.all.size >= this.o.maxSockets) {
      this.waiting.push(w);
      return;
    }
    const c = new Connection(this, this.o);
    this.all.add(c);
    if (this.o.connectTimeoutMs > 0) {
      const timer = setTimeout(() => c.destroy(this.o.connectTimeout()), this.o.connectTimeoutMs);
      c.socket.once('connect', () => clearTimeout(timer));
      c.socket.once('close', () => clearTimeout(timer));
    }
    w.take(c);
  }

  /** `c` is free for the next request. */
  idle(c: Connection): void {
    const next = this.waiting.shift();
    if (next !== undefined) next.take(c);
    else this.free.push(c);
  }

  /** `c` is closed: forgotten, and a waiting request gets a new connection. */
  closed(c: Connection): void {
    this.all.delete(c);
    const i = this.free.indexOf(c);
    if (i >= 0) this.free.splice(i, 1);
    const next = this.waiting.shift();
    if (next !== undefined) this.acquire(next);
  }

  /** Closes every connection; requests under way fail with `socket hang up`. */
  destroy(): void {
    this.destroyed = true;
    for (const c of [...this.all]) c.destroy(hangUp());
  }
}
