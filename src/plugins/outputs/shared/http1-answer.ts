/**
 * The answer side of the AWS outputs' HTTP/1.1 client (http1-client.ts): a strict parser of
 * HTTP/1.x answers (a status line, header lines, then a body framed by Content-Length, chunked, or
 * the end of the connection) and the errors Node's http gives for what does not parse (HPE_*) or
 * ends early (`socket hang up`).
 */

/** An answer: status, headers (names in lower case, repeated ones joined with `, `) and the whole body. */
export interface Http1Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** An answer head bigger than this is refused (Node's default --max-http-header-size). */
const MAX_HEAD_BYTES = 16 * 1024;

/** Node's http parser errors: a code and its message. */
function parseError(code: string, reason: string): Error {
  return Object.assign(new Error(`Parse Error: ${reason}`), { code });
}

/** The error a request gets when its connection ends before the whole answer (as Node's http). */
export function hangUp(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** An HTTP token (RFC 9110): header names. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

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
        case 'length':
          at = this.readBody(data, at);
          if (this.left === 0) this.finish();
          break;
        case 'until-close':
          this.parts.push(data.subarray(at));
          at = data.length;
          break;
        case 'chunk-data':
          at = this.readBody(data, at);
          if (this.left === 0) this.state = 'chunk-end';
          break;
        default:
          at = this.readLine(data, at);
      }
    }
    return at;
  }

  /** Takes up to `left` body bytes (a Content-Length body, or a chunk's data) from `at`; returns where it stopped. */
  private readBody(data: Buffer, at: number): number {
    const n = Math.min(this.left, data.length - at);
    this.parts.push(data.subarray(at, at + n));
    this.left -= n;
    return at + n;
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
    } else if (!TOKEN.test(line.slice(0, Math.max(0, line.indexOf(':'))))) {
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
