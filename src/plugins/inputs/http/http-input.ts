import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { nowNanos, type LogEvent } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import { readAccessor } from '../../../record/accessor.js';
import { listen, remoteAddress, type Listener, type ServerFactory } from '../shared/listener.js';
import { ANSWERS, formRecord, jsonRecords, type BodyOutcome } from './http-body.js';
import { HTTP_DEFAULT_PORT, successCode, type HttpInputOptions } from './options.js';

/** Largest body a Content-Encoding may inflate to. */
const MAX_INFLATED = 100 * 1024 * 1024;

/** Drop and refusal reasons (metrics `dropped_records` by reason). */
export const HTTP_DROPS = {
  paused: 'input paused (Mem_Buf_Limit): the request is refused with 400, as Fluent Bit does',
} as const;

/** A tag as in_http makes one from a path or a tag_key value: characters other than [A-Za-z0-9_.] become `_`. */
export function sanitizeTag(text: string): string {
  return text.replace(/[^A-Za-z0-9_.]/g, '_');
}

/** The tag a request path gives (its URL-decoded path without the query, minus the leading /), or undefined for `/`. */
function pathTag(url: string): string | undefined {
  const path = url.split('?')[0]!;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a broken escape: the path as written, as monkey keeps it
  }
  return decoded.length <= 1 ? undefined : sanitizeTag(decoded.slice(1));
}

/** The bytes a request's line and headers took on the wire (Buffer_Max_Size counts them with the body). */
function headBytes(req: IncomingMessage): number {
  let n = `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}\r\n\r\n`.length;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) n += req.rawHeaders[i]!.length + req.rawHeaders[i + 1]!.length + 4;
  return n;
}

/**
 * The body once Content-Encoding is undone (gzip, zlib, deflate, as Fluent Bit's server inflates
 * them; another encoding leaves the body as it is, as there). `broken`: it does not inflate
 * (Fluent Bit closes the connection); `unsupported`: zstd or snappy, which Fluent Bit inflates and
 * logferry cannot (answered 400).
 */
function inflate(body: Buffer, encoding: string | undefined): { body: Buffer } | { broken: string } | { unsupported: string } {
  const e = (encoding ?? '').toLowerCase();
  const opts = { maxOutputLength: MAX_INFLATED };
  try {
    if (e.startsWith('gzip')) return { body: gunzipSync(body, opts) };
    if (e.startsWith('zlib')) return { body: inflateSync(body, opts) };
    if (e.startsWith('deflate')) {
      try {
        return { body: inflateSync(body, opts) };
      } catch {
        return { body: inflateRawSync(body, opts) };
      }
    }
  } catch (err) {
    return { broken: `cannot decode the ${e} body: ${(err as Error).message}` };
  }
  if (e.startsWith('zstd') || e.startsWith('snappy')) return { unsupported: e };
  return { body };
}

/**
 * Fluent Bit `in_http` (4.2, its default server): POSTed JSON (objects, arrays of objects, JSON
 * lines) or form fields become records stamped with the time of receipt, tagged by the tag_key
 * value, else the URL path, else the input's Tag. Answers are Fluent Bit's: the success code
 * (with Success_Header) or a 400 naming the problem; 413 and a closed connection beyond
 * Buffer_Max_Size. While paused by Mem_Buf_Limit it refuses requests with 400, as Fluent Bit does
 * (its append fails), counting the records refused.
 */
export class HttpInput implements InputRuntime {
  private listener: Listener | undefined;
  private paused = false;

  constructor(
    private readonly o: HttpInputOptions,
    private readonly ctx: InputContext,
  ) {}

  async start(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.receive(req, res);
    const make: ServerFactory = (tls) => (tls ? createHttpsServer({ ...tls, requireHostHeader: false }, handler) : createHttpServer({ requireHostHeader: false }, handler));
    this.listener = await listen(this.o, HTTP_DEFAULT_PORT, this.ctx, () => undefined, make);
    this.ctx.log.info(`listening on ${this.listener.address.host}:${this.listener.address.port}${this.o.tls ? ' (TLS)' : ''}`);
  }

  private answer(res: ServerResponse, status: number, body: string, headers: Readonly<Record<string, string>> = {}): void {
    const keep = this.o['net.keepalive'] ? {} : { connection: 'close' };
    res.writeHead(status, { ...headers, ...keep, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  }

  private refuse(req: IncomingMessage, res: ServerResponse, answer: string, reason: string): void {
    this.ctx.counters.add('bad_requests');
    this.ctx.log.warn(`${remoteAddress(req.socket)} ${req.method ?? ''} ${req.url ?? ''}: ${reason}; answered 400`);
    this.answer(res, 400, answer);
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const max = this.o.buffer_max_size;
    let size = headBytes(req);
    const chunks: Buffer[] = [];
    let tooLarge = false;
    const overflow = () => {
      tooLarge = true;
      this.ctx.counters.add('requests_too_large');
      this.ctx.log.warn(`${remoteAddress(req.socket)}: request beyond Buffer_Max_Size (${max} bytes); answered 413 and closed`);
      res.writeHead(413, 'Request Entity Too Large', { 'content-length': '0', connection: 'close' });
      res.end(() => req.socket.destroy());
    };
    if (size + Number(req.headers['content-length'] ?? 0) > max) {
      overflow();
      return;
    }
    req.on('data', (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > max) overflow();
      else chunks.push(c);
    });
    req.on('end', () => {
      if (!tooLarge) this.request(req, res, Buffer.concat(chunks));
    });
    req.on('error', (err) => this.ctx.log.debug(`${remoteAddress(req.socket)}: ${err.message}`));
  }

  /** One complete request, checked in Fluent Bit's order: encoding, path, method, Content-Type, body. */
  private request(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const inflated = inflate(raw, req.headers['content-encoding']);
    if ('broken' in inflated) {
      // Fluent Bit's server closes the connection without an answer when it cannot inflate.
      this.ctx.counters.add('bad_requests');
      this.ctx.log.warn(`${remoteAddress(req.socket)}: ${inflated.broken}; connection closed`);
      req.socket.destroy();
      return;
    }
    if ('unsupported' in inflated) {
      return this.refuse(req, res, `error: Content-Encoding '${inflated.unsupported}' is not supported (gzip, zlib, deflate)\n`, `Content-Encoding ${inflated.unsupported}`);
    }
    const body = inflated.body;
    const url = req.url ?? '';
    if (!url.startsWith('/')) return this.refuse(req, res, ANSWERS.badRequest, `the request target '${url}' is not a path`);
    if (req.method !== 'POST') return this.refuse(req, res, ANSWERS.badMethod, `method ${req.method ?? ''} (only POST is accepted)`);
    const type = req.headers['content-type'];
    if (type === undefined || type === '') return this.refuse(req, res, ANSWERS.noContentType, 'no Content-Type');
    const kind = type.toLowerCase();
    if (kind !== 'application/json' && kind !== 'application/x-www-form-urlencoded') {
      return this.refuse(req, res, ANSWERS.badContentType, `Content-Type '${type}' (application/json or application/x-www-form-urlencoded)`);
    }
    if (body.length === 0) return this.refuse(req, res, ANSWERS.noPayload, 'no body');
    const outcome = kind === 'application/json' ? jsonRecords(body) : this.form(body);
    for (const s of outcome.skipped) {
      this.ctx.log.warn(`${remoteAddress(req.socket)}: ${s.count} ${s.reason}: skipped`);
      this.ctx.counters.drop(s.reason, s.count);
    }
    if (this.paused && outcome.records.length > 0) {
      this.ctx.counters.drop(HTTP_DROPS.paused, outcome.records.length);
      return this.refuse(req, res, ANSWERS.unprocessable, 'the input is paused (Mem_Buf_Limit)');
    }
    this.emit(pathTag(url), outcome.records);
    if (outcome.error) return this.refuse(req, res, outcome.error.answer, outcome.error.reason);
    this.answer(res, successCode(this.o), '', Object.fromEntries(this.o.success_header ?? []));
  }

  private form(body: Buffer): BodyOutcome {
    const outcome = formRecord(body);
    for (const name of outcome.invalid) this.ctx.log.warn(`invalid percent-encoding for field '${name}', keeping raw value`);
    return outcome;
  }

  /** Emits the records in order, one batch per run of records with the same tag (tag_key, else the path, else Tag). */
  private emit(fromPath: string | undefined, records: readonly Readonly<Record<string, unknown>>[]): void {
    const time = nowNanos();
    const key = this.o.tag_key;
    let tag: string | undefined;
    let events: LogEvent[] = [];
    for (const record of records) {
      const value = key === undefined ? undefined : readAccessor(record, key);
      const t = typeof value === 'string' ? sanitizeTag(value) : (fromPath ?? this.ctx.tag);
      if (t !== tag && events.length > 0) {
        this.ctx.emit(tag!, events);
        events = [];
      }
      tag = t;
      events.push({ time, record });
    }
    if (events.length > 0) this.ctx.emit(tag!, events);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    await l?.close();
  }
}
