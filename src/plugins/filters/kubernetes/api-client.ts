/**
 * GET requests to the API server or the kubelet: bearer token (Kube_Token_File re-read after
 * Kube_Token_TTL, or Kube_Token_Command), CA from Kube_CA_File, tls.verify, Buffer_Size limit, an
 * I/O timeout, and a limiter that bounds concurrent requests and their rate.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import type { Logger } from '../../../engine/logger.js';
import type { KubeApiEndpoint } from './kube-url.js';

export type KubeRequestErrorKind = 'timeout' | 'status' | 'too-large' | 'bad-json' | 'network';

/** Why a lookup failed; the message names the reason, never record data. */
export class KubeRequestError extends Error {
  override readonly name = 'KubeRequestError';
  readonly code = 'KUBE_REQUEST_FAILED';

  constructor(
    readonly kind: KubeRequestErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bounds concurrent tasks and spaces their starts (requests per second). */
export class Limiter {
  private active = 0;
  private nextStart = 0;
  private readonly queue: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Most tasks seen running at once (for tests and metrics). */
  peak = 0;

  constructor(
    private readonly maxConcurrent: number,
    private readonly perSecond: number,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        task().then(resolve, reject).finally(() => {
          this.active--;
          this.pump();
        });
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.active < this.maxConcurrent) {
      const wait = this.nextStart - Date.now();
      if (wait > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.nextStart = Date.now() + (this.perSecond > 0 ? 1000 / this.perSecond : 0);
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      this.queue.shift()!();
    }
  }
}

/** The bearer token: Kube_Token_Command output, or Kube_Token_File re-read once Kube_Token_TTL passed. */
export class TokenSource {
  private token: string | undefined;
  private readAt = 0;

  constructor(
    private readonly file: string,
    private readonly command: string | undefined,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  async get(): Promise<string | undefined> {
    if (this.token !== undefined && Date.now() - this.readAt < this.ttlMs) return this.token;
    try {
      this.token = (this.command !== undefined ? await runCommand(this.command) : await readFile(this.file, 'utf8')).trim();
    } catch (err) {
      this.log.warn(`cannot read the token ${this.command !== undefined ? 'from Kube_Token_Command' : `file ${this.file}`}: ${(err as Error).message}`);
      this.token = undefined;
    }
    this.readAt = Date.now();
    return this.token;
  }
}

function runCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

export interface KubeClientOptions {
  readonly endpoint: KubeApiEndpoint;
  readonly caFile: string | undefined;
  /** A directory of CA certificates (Kube_CA_Path): every file in it is read. */
  readonly caPath: string | undefined;
  readonly verify: boolean;
  readonly verifyHostname: boolean;
  readonly vhost: string | undefined;
  /** Largest body accepted in bytes; 0 = unlimited. */
  readonly bufferSize: number;
  readonly timeoutMs: number;
  readonly token: TokenSource;
  readonly limiter: Limiter;
  readonly log: Logger;
}

export class KubeClient {
  private readonly ca: Buffer[] | undefined;

  constructor(private readonly o: KubeClientOptions) {
    if (!o.endpoint.https) return;
    const ca: Buffer[] = [];
    const read = (file: string, what: string): void => {
      try {
        ca.push(readFileSync(file));
      } catch (err) {
        o.log.warn(`cannot read ${what} ${file}: ${(err as Error).message}`);
      }
    };
    if (o.caFile !== undefined) read(o.caFile, 'Kube_CA_File');
    if (o.caPath !== undefined) {
      try {
        for (const e of readdirSync(o.caPath, { withFileTypes: true })) if (e.isFile()) read(join(o.caPath, e.name), 'a certificate of Kube_CA_Path');
      } catch (err) {
        o.log.warn(`cannot read Kube_CA_Path ${o.caPath}: ${(err as Error).message}`);
      }
    }
    if (ca.length > 0) this.ca = ca;
    else o.log.warn('no CA certificate could be read; the system CAs verify the API server');
  }

  /** GETs a path and parses the JSON body; rejects with a KubeRequestError. */
  getJson(path: string): Promise<unknown> {
    return this.o.limiter.run(async () => this.request(path, await this.o.token.get()));
  }

  private request(path: string, token: string | undefined): Promise<unknown> {
    const { endpoint, bufferSize, timeoutMs } = this.o;
    const headers: http.OutgoingHttpHeaders = { 'User-Agent': 'Fluent-Bit', Connection: 'close', Accept: 'application/json' };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const base: http.RequestOptions = { host: endpoint.host, port: endpoint.port, path, method: 'GET', headers, agent: false };
    return new Promise((resolve, reject) => {
      const fail = (e: KubeRequestError): void => {
        req.destroy();
        reject(e);
      };
      const onResponse = (res: http.IncomingMessage): void => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (bufferSize > 0 && size > bufferSize) fail(new KubeRequestError('too-large', `response larger than Buffer_Size (${bufferSize} bytes)`));
          else chunks.push(chunk);
        });
        res.on('error', (err) => fail(new KubeRequestError('network', err.message, undefined, { cause: err })));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new KubeRequestError('status', `HTTP status ${res.statusCode ?? 0}`, res.statusCode));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(new KubeRequestError('bad-json', `invalid JSON in the response: ${(err as Error).message}`, undefined, { cause: err }));
          }
        });
      };
      const req = endpoint.https
        ? https.request(
            {
              ...base,
              ...(this.ca !== undefined ? { ca: this.ca } : {}),
              rejectUnauthorized: this.o.verify,
              ...(this.o.vhost !== undefined ? { servername: this.o.vhost } : {}),
              ...(this.o.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
            },
            onResponse,
          )
        : http.request(base, onResponse);
      req.setTimeout(timeoutMs, () => fail(new KubeRequestError('timeout', `no answer within ${timeoutMs} ms`)));
      req.on('error', (err) => reject(err instanceof KubeRequestError ? err : new KubeRequestError('network', err.message, undefined, { cause: err })));
      req.end();
    });
  }
}
