import { request as httpRequest, validateHeaderValue, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type AgentOptions } from 'node:https';
import { gzipSync } from 'node:zlib';
import type { EventBatch } from '../../../record/event.js';
import { dateKeyOption, JsonBodyPieces, jsonRecordsBody, type JsonBodyParts, type JsonRecordOptions } from '../../../engine/format/json.js';
import { recordCount } from '../../../record/batch.js';
import type { FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import { BodyBuffers } from '../shared/body-buffers.js';
import { RequestSigner } from '../shared/sigv4.js';
import { hostTlsOptions } from '../shared/tls-agent.js';
import type { HttpOptions } from './options.js';

const MIME: Readonly<Record<string, string>> = { json: 'application/json', json_stream: 'application/json', json_lines: 'application/x-ndjson' };

/** How Fluent Bit's http `format` frames the records of a body. */
function bodyParts(format: string): JsonBodyParts {
  if (format === 'json_lines') return { open: '', separator: '\n', close: '', lastSeparator: true };
  if (format === 'json_stream') return { open: '', separator: '', close: '' };
  return { open: '[', separator: ',', close: ']' };
}

/** The request body for a batch in Fluent Bit's http `format`. */
export function httpBody(batch: EventBatch, format: string, json: JsonRecordOptions, allocate?: (size: number) => Buffer): Buffer {
  return jsonRecordsBody(batch, json, bodyParts(format), allocate);
}

/** The buffer a streamed body goes through, a piece at a time (BodyBuffers' size step: one size for glibc). */
const PIECE_BYTES = 256 * 1024;

/**
 * Posts each batch as one request. 2xx (200-205) is delivered; 4xx other than 408 and 429 can never
 * succeed and is an error (dropped, counted); anything else, and network errors, are retried.
 */
export class HttpOutput implements OutputRuntime {
  private readonly json: JsonRecordOptions;
  private readonly headers: [string, string][];
  private readonly tlsOptions: AgentOptions;
  private readonly bodies = new BodyBuffers();
  private readonly signer: RequestSigner | undefined;
  private readonly path: string;
  /** Bodies are copies of the records: nothing of a batch is kept once its flush settles. */
  readonly keepsNoRecordViews = true;

  constructor(
    private readonly o: HttpOptions,
    _ctx: OutputContext,
  ) {
    this.json = { dateKey: dateKeyOption(this.o.json_date_key), dateFormat: this.o.json_date_format };
    this.headers = [];
    for (const h of this.o.header ?? []) {
      const m = /^(\S+)\s+(.*)$/.exec(h.trim());
      if (!m) continue;
      const name = m[1]!;
      if (!this.o.allow_duplicated_headers) {
        const i = this.headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
        if (i >= 0) this.headers.splice(i, 1);
      }
      this.headers.push([name, m[2]!]);
    }
    this.tlsOptions = hostTlsOptions(this.o);
    this.path = o.uri.startsWith('/') ? o.uri : `/${o.uri}`;
    if (o.aws_auth) {
      this.signer = new RequestSigner({
        region: o.aws_region ?? '',
        service: o.aws_service ?? '',
        profile: o.aws_profile,
        roleArn: o.aws_role_arn,
        externalId: o.aws_external_id,
        stsEndpoint: o.aws_sts_endpoint,
      });
    }
  }

  async flush(batch: EventBatch): Promise<FlushResult> {
    // Nothing to send: no request (an empty JSON array or body would reach the endpoint as a record-less POST).
    if (recordCount(batch) === 0) return { status: 'ok' };
    if (this.o.header_tag) {
      // A tag rewritten from record content can hold CR/LF or other bytes no header may carry:
      // Node refuses to send them (no header injection), and no retry can change the tag.
      const refused = headerValueRefusal(this.o.header_tag, batch.tag);
      if (refused) return { status: 'error', reason: refused };
    }
    let space: Buffer | undefined;
    // A chunk's body sent plainly goes to the socket in pieces; gzip and SigV4 need it whole.
    const streamed = batch.records && !this.signer && this.o.compress !== 'gzip';
    let body: Buffer | JsonBodyPieces = streamed
      ? new JsonBodyPieces(batch.records, this.json, bodyParts(this.o.format))
      : httpBody(batch, this.o.format, this.json, (size) => (space = this.bodies.take(size)));
    const headers: [string, string][] = [['Content-Type', MIME[this.o.format] ?? 'application/json'], ['User-Agent', 'logferry']];
    if (this.o.compress === 'gzip' && !(body instanceof JsonBodyPieces)) {
      body = gzipSync(body);
      headers.push(['Content-Encoding', 'gzip']);
      if (space) this.bodies.give(space);
      space = undefined;
    }
    if (this.o.header_tag) headers.push([this.o.header_tag, batch.tag]);
    if (this.o.http_user !== undefined) {
      headers.push(['Authorization', `Basic ${Buffer.from(`${this.o.http_user}:${this.o.http_passwd}`).toString('base64')}`]);
    }
    headers.push(...this.headers);
    const where = `${this.o.host}:${this.o.port}`;
    let res: { status: number; payload: string };
    try {
      const sent = this.signer && !(body instanceof JsonBodyPieces) ? await this.signed(body, headers) : headers;
      sent.push(['Content-Length', String(body.length)]);
      res = await this.send(body, sent, space);
    } catch (err) {
      return { status: 'retry', reason: `${where}: ${(err as Error).message}` };
    }
    if (res.status >= 200 && res.status <= 205) return { status: 'ok' };
    const detail = this.o.log_response_payload && res.payload ? `: ${res.payload.slice(0, 512)}` : '';
    const reason = `${where}, HTTP status=${res.status}${detail}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return { status: 'error', reason };
    return { status: 'retry', reason };
  }

  /**
   * The headers with the SigV4 ones (`flb_signv4_do` after the other headers): the Host header as
   * Fluent Bit's http client writes it (host:port, the port left out for TLS on 443) is signed
   * and sent; Content-Length is added after signing. A header set twice is signed once, joined.
   */
  private async signed(body: Buffer, headers: [string, string][]): Promise<[string, string][]> {
    const o = this.o;
    const host = o.tls && o.port === 443 ? o.host : `${o.host}:${o.port}`;
    const joined: Record<string, string> = {};
    for (const [k, v] of headers) {
      const name = k.toLowerCase();
      joined[name] = joined[name] === undefined ? v : `${joined[name]},${v}`;
    }
    const signed = await this.signer!.sign({ method: o.http_method.toUpperCase(), hostname: o.host, host, path: this.path, query: {}, headers: joined, body });
    return Object.entries(signed);
  }

  /**
   * Sends the request; `space` (the buffer under `body`) is given back once the request is closed.
   * A body in pieces is written through one buffer, the next piece once the socket has taken the
   * last; nothing more is read from the records once the request has settled (the engine may
   * then pack or free the chunk), so a piece in the socket is the output's copy, never a view.
   */
  private send(body: Buffer | JsonBodyPieces, headers: [string, string][], space: Buffer | undefined): Promise<{ status: number; payload: string }> {
    const o = this.o;
    const path = this.path;
    const request = o.tls ? httpsRequest : httpRequest;
    let settled = false;
    /** The request while its body is still being written (a body in pieces). */
    let writing: ClientRequest | undefined;
    return new Promise<{ status: number; payload: string }>((resolve, reject) => {
      const req = request(
        {
          host: o.host,
          port: o.port,
          path,
          method: o.http_method,
          headers: toHeaderObject(headers),
          timeout: o['http.response_timeout'],
          ...this.tlsOptions,
        },
        (res: IncomingMessage) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, payload: Buffer.concat(parts).toString() }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${o['http.response_timeout']} ms`)));
      req.on('error', reject);
      if (space) req.on('close', () => this.bodies.give(space));
      if (!(body instanceof JsonBodyPieces)) return void req.end(body);
      const pieces = body;
      const piece = this.bodies.take(PIECE_BYTES);
      writing = req;
      req.on('close', () => {
        settled = true;
        this.bodies.give(piece);
      });
      const next = (err?: Error | null): void => {
        if (settled || err) return;
        const n = pieces.fill(piece);
        if (n === 0) {
          writing = undefined;
          return void req.end();
        }
        req.write(n === piece.length ? piece : piece.subarray(0, n), next);
      };
      next();
    }).finally(() => {
      settled = true;
      // Answered before the whole body was written (an early 413 or 503): the request can never
      // end, so its socket is closed rather than left waiting for the rest.
      writing?.destroy();
    });
  }
}

/** Why `value` cannot be sent as header `name`, or undefined when it can. */
function headerValueRefusal(name: string, value: string): string | undefined {
  try {
    validateHeaderValue(name, value);
    return undefined;
  } catch (err) {
    return `tag ${JSON.stringify(value)} cannot be sent in header ${name}: ${(err as Error).message}`;
  }
}

/** Headers as Node takes them: a name set twice keeps both values. */
function toHeaderObject(headers: readonly [string, string][]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of headers) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
