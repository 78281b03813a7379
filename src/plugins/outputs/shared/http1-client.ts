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
import { AnswerParser, hangUp, TOKEN, type Http1Answer } from './http1-answer.js';

export type { Http1Answer } from './http1-answer.js';

const net = process.getBuiltinModule('node:net');
const tls = process.getBuiltinModule('node:tls');

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
