import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type AgentOptions } from 'node:https';
import { gzipSync } from 'node:zlib';
import { nowNanos, type EventBatch } from '../../../record/event.js';
import { recordsOf } from '../../../record/batch.js';
import type { FlushAttempt, FlushResult, OutputRuntime, PluginServices } from '../../../engine/plugin.js';
import { ChunkProgress, chunkKey } from '../shared/chunk-progress.js';
import { hostTlsOptions } from '../shared/tls-agent.js';
import { BulkFormatter, type BulkItem } from './bulk.js';
import type { BulkFlavour, EsOptions, OpensearchOptions } from './options.js';
import { RequestSigner } from '../shared/sigv4.js';

/** The options of an es or opensearch instance, as their tables type them. */
type RuntimeOptions = EsOptions | OpensearchOptions;

/** A chunk's bulk items and which of them are done (indexed, or dropped for good). */
interface ChunkState {
  readonly items: readonly BulkItem[];
  readonly done: Uint8Array;
  left: number;
  /** Items indexed or dropped by this output so far, and records skipped when the lines were built:
   *  a chunk with none of these can be answered `error` as a whole (the engine counts the drop). */
  settled: number;
}

interface Reply {
  readonly status: number;
  readonly body: string;
  /** The body was longer than Buffer_Size and was cut there. */
  readonly truncated: boolean;
}

/** One item of a bulk reply: `{"<op>":{"status":…,"error":{"type":…,"reason":…}}}`. */
interface ItemResult {
  readonly status?: unknown;
  readonly error?: { readonly type?: unknown; readonly reason?: unknown } | unknown;
}

/** HTTP statuses of the whole request that resending cannot fix (the chunk is dropped). */
const PERMANENT_STATUSES = new Set([400, 404, 405, 411, 413, 414, 415]);

/** Waiting for a response with no net.io_timeout set. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** An item error worth sending again: the cluster was busy, not the document wrong. */
function retryableItem(status: number, type: string): boolean {
  return status === 429 || status === 408 || status >= 500 || type.includes('rejected_execution') || type === 'cluster_block_exception';
}

function errorOf(item: ItemResult): { type: string; reason: string } {
  const e = item.error;
  if (typeof e === 'object' && e !== null) {
    const err = e as { type?: unknown; reason?: unknown; caused_by?: { reason?: unknown } };
    const reason = typeof err.reason === 'string' ? err.reason : '';
    const cause = typeof err.caused_by?.reason === 'string' ? ` (${err.caused_by.reason})` : '';
    return { type: typeof err.type === 'string' ? err.type : 'error', reason: `${reason}${cause}` };
  }
  return { type: typeof e === 'string' ? e : 'error', reason: '' };
}

/**
 * Fluent Bit's `es` and `opensearch` outputs: each chunk becomes one Bulk API request (NDJSON
 * action + source lines). Where Fluent Bit retries a whole chunk when any item failed (indexing
 * its good records again), logferry reads the items of the reply: items the cluster was too busy
 * for (429, 5xx, rejected execution) are sent again on the engine's retry, alone and in order;
 * items that can never be indexed (mapping errors, other 4xx) are dropped and counted with the
 * error; 409 (the document exists) counts as indexed.
 */
export class BulkOutput implements OutputRuntime {
  private readonly o: RuntimeOptions;
  private readonly formatter: BulkFormatter;
  private readonly progress: ChunkProgress<ChunkState>;
  private readonly signer: RequestSigner | undefined;
  private readonly agent: HttpAgent;
  private readonly path: string;
  private readonly query: Record<string, string>;
  private readonly tlsOptions: AgentOptions;
  private readonly where: string;
  private stopped = false;

  /** @param formatter the bulk lines' builder; made from the options when not given (BulkOutput.open loads opensearch's Generate_ID hash first). */
  constructor(
    o: RuntimeOptions,
    private readonly ctx: PluginServices,
    private readonly flavour: BulkFlavour,
    formatter?: BulkFormatter,
  ) {
    this.o = o;
    this.formatter = formatter ?? new BulkFormatter(o, flavour);
    this.progress = new ChunkProgress();
    const prefix = o.path === undefined || o.path === '' ? '' : o.path.startsWith('/') ? o.path : `/${o.path}`;
    // es writes `<path>/_bulk?pipeline=`, opensearch `<path>/_bulk/?pipeline=`.
    this.path = `${prefix}/_bulk${o.pipeline && flavour === 'opensearch' ? '/' : ''}`;
    this.query = o.pipeline ? { pipeline: o.pipeline } : {};
    this.where = `${o.host}:${o.port}`;
    if (o.aws_auth) {
      this.signer = new RequestSigner({
        region: o.aws_region ?? '',
        service: o.aws_service_name,
        // opensearch's default profile `default` is what the default chain reads anyway, and the
        // chain still finds environment, web identity (EKS) and instance credentials.
        profile: o.aws_profile === 'default' ? undefined : o.aws_profile,
        roleArn: o.aws_role_arn,
        externalId: o.aws_external_id,
        stsEndpoint: o.aws_sts_endpoint,
      });
    }
    this.tlsOptions = hostTlsOptions(o);
    const keepAlive = o['net.keepalive'] !== false;
    this.agent = o.tls ? new HttpsAgent({ keepAlive }) : new HttpAgent({ keepAlive });
  }

  /** An output whose formatter has what it needs loaded (opensearch's Generate_ID hash is WebAssembly, instantiated asynchronously). */
  static async open(o: RuntimeOptions, ctx: PluginServices, flavour: BulkFlavour): Promise<BulkOutput> {
    return new BulkOutput(o, ctx, flavour, await BulkFormatter.open(o, flavour));
  }

  async flush(batch: EventBatch, attempt: FlushAttempt): Promise<FlushResult> {
    if (this.stopped) return { status: 'retry', reason: 'output stopped' };
    const key = chunkKey(batch);
    const { state } = this.progress.begin(key, () => this.prepare(batch));
    const pending: number[] = [];
    for (let i = 0; i < state.items.length; i++) if (state.done[i] === 0) pending.push(i);
    if (pending.length === 0) {
      this.progress.end(key, true, attempt);
      return { status: 'ok' };
    }
    const result = await this.send(state, pending);
    const complete = state.left === 0;
    this.progress.end(key, complete || result.status === 'error', attempt);
    if (result.status === 'error' || complete) return result.status === 'error' ? result : { status: 'ok' };
    return result;
  }

  forget(id: string): void {
    this.progress.forget(id);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.agent.destroy();
  }

  /** The chunk's bulk items, built once (ids and indexes stay the same on every retry). */
  private prepare(batch: EventBatch): ChunkState {
    const { items, skipped } = this.formatter.format(batch.tag, recordsOf(batch), nowNanos());
    if (skipped.length > 0) {
      const byReason = new Map<string, number>();
      for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
      for (const [reason, n] of byReason) {
        this.ctx.counters.drop(`${this.flavour}: ${reason}`, n);
        this.ctx.log.warn(`${n} record(s) skipped: ${reason}`);
      }
    }
    return { items, done: new Uint8Array(items.length), left: items.length, settled: skipped.length };
  }

  private markDone(state: ChunkState, i: number): void {
    if (state.done[i] !== 0) return;
    state.done[i] = 1;
    state.left--;
    state.settled++;
  }

  /** One Bulk API request with the pending items; marks what the reply says is done. */
  private async send(state: ChunkState, pending: readonly number[]): Promise<FlushResult> {
    const o = this.o;
    const text = pending.map((i) => state.items[i]!.action + state.items[i]!.source).join('');
    if (o.trace_output) this.ctx.host.stdout.write(text);
    let body = Buffer.from(text, 'utf8');
    const gzip = o.compress !== undefined && o.compress.toLowerCase() === 'gzip';
    if (gzip) body = gzipSync(body);
    let headers: Record<string, string> = { 'Content-Type': 'application/x-ndjson', 'User-Agent': 'logferry' };
    if (o.http_user !== undefined && o.http_user !== '') {
      headers['Authorization'] = `Basic ${Buffer.from(`${o.http_user}:${o.http_passwd}`).toString('base64')}`;
    } else if ('http_api_key' in o && o.http_api_key !== undefined && o.http_api_key !== '') {
      // es only (opensearch has no API key option)
      headers['Authorization'] = `ApiKey ${o.http_api_key}`;
    }
    headers['Content-Length'] = String(body.length);
    let reply: Reply;
    try {
      if (this.signer) headers = await this.signer.sign({ hostname: o.host, path: this.path, query: this.query, headers, body });
      if (gzip) headers['Content-Encoding'] = 'gzip';
      reply = await this.request(body, headers);
    } catch (err) {
      return { status: 'retry', reason: `${this.where}: ${(err as Error).message}` };
    }
    if (reply.status !== 200 && reply.status !== 201) {
      const reason = `${this.where}, HTTP status=${reply.status}${reply.body ? `: ${reply.body.slice(0, 512)}` : ''}`;
      if (o.trace_error) this.traceError(text, reply.body);
      if (!PERMANENT_STATUSES.has(reply.status)) return { status: 'retry', reason };
      return this.dropAll(state, pending, reason);
    }
    return this.readItems(state, pending, reply, text);
  }

  /** A request the cluster will never accept: the whole chunk if none of it was settled before, else what is left. */
  private dropAll(state: ChunkState, pending: readonly number[], reason: string): FlushResult {
    if (state.settled === 0) return { status: 'error', reason };
    this.ctx.counters.drop(`error: ${reason}`, pending.length);
    this.ctx.log.error(`${pending.length} record(s) dropped: ${reason}`);
    for (const i of pending) this.markDone(state, i);
    return { status: 'ok' };
  }

  private readItems(state: ChunkState, pending: readonly number[], reply: Reply, text: string): FlushResult {
    const all = () => {
      for (const i of pending) this.markDone(state, i);
      this.ctx.counters.delivered(pending.length);
      return { status: 'ok' } as const;
    };
    if (reply.body.length === 0) return { status: 'retry', reason: `${this.where}: empty Bulk API response` };
    let parsed: { errors?: unknown; items?: unknown } | undefined;
    try {
      parsed = reply.truncated ? undefined : (JSON.parse(reply.body) as typeof parsed);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || typeof parsed !== 'object' || parsed === null) {
      // As Fluent Bit: a reply cut at Buffer_Size still says when nothing failed.
      if (reply.body.includes('"errors":false,"items":[')) return all();
      const why = reply.truncated
        ? `Bulk API response larger than Buffer_Size (${this.o.buffer_size} bytes); its items cannot be read (set Buffer_Size False)`
        : 'Bulk API response is not JSON';
      if (this.o.trace_error) this.traceError(text, reply.body);
      return { status: 'retry', reason: `${this.where}: ${why}` };
    }
    if (parsed.errors === false) return all();
    const items = Array.isArray(parsed.items) ? (parsed.items as unknown[]) : [];
    let retry = 0;
    let indexed = 0;
    let firstRetry: string | undefined;
    const drops = new Map<string, number>();
    for (let j = 0; j < pending.length; j++) {
      const i = pending[j]!;
      const wrapper = items[j];
      const item = (wrapper !== null && typeof wrapper === 'object' ? Object.values(wrapper)[0] : undefined) as ItemResult | undefined;
      const status = typeof item?.status === 'number' ? item.status : 0;
      if (status === 200 || status === 201 || status === 409) {
        this.markDone(state, i);
        indexed++;
        continue;
      }
      const { type, reason } = item ? errorOf(item) : { type: 'no item in the response', reason: '' };
      if (status === 0 || retryableItem(status, type)) {
        retry++;
        firstRetry ??= `${status || 'no status'} ${type}${reason ? `: ${reason}` : ''}`;
        continue;
      }
      const why = `${this.flavour}: ${type}: ${reason.slice(0, 300)}`;
      drops.set(why, (drops.get(why) ?? 0) + 1);
      if (this.o.trace_error) this.ctx.log.error(`item ${JSON.stringify(wrapper)} for ${state.items[i]!.action.trimEnd()} ${state.items[i]!.source.trimEnd()}`);
      this.markDone(state, i);
    }
    for (const [why, n] of drops) {
      this.ctx.counters.drop(why, n);
      this.ctx.log.warn(`${n} record(s) dropped, the cluster refused them (status ${why})`);
    }
    this.ctx.counters.delivered(indexed);
    if (retry === 0) return { status: 'ok' };
    return { status: 'retry', reason: `${retry} of ${pending.length} bulk items failed (${firstRetry})` };
  }

  private traceError(request: string, response: string): void {
    if (request.length < 4000) this.ctx.log.debug(`error caused by: Input\n${request}`);
    this.ctx.log.error(`error: Output\n${response}`);
  }

  private request(body: Buffer, headers: Record<string, string>): Promise<Reply> {
    const o = this.o;
    const limit = o.buffer_size;
    const qs = Object.entries(this.query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    const path = qs ? `${this.path}?${qs}` : this.path;
    const timeout = o['net.io_timeout'] > 0 ? o['net.io_timeout'] : DEFAULT_TIMEOUT_MS;
    const send = o.tls ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          host: o.host,
          port: o.port,
          method: 'POST',
          path,
          headers,
          agent: this.agent,
          timeout,
          ...this.tlsOptions,
        },
        (res: IncomingMessage) => {
          const parts: Buffer[] = [];
          let size = 0;
          let truncated = false;
          res.on('data', (d: Buffer) => {
            if (truncated) return;
            if (limit > 0 && size + d.length > limit) {
              parts.push(d.subarray(0, limit - size));
              truncated = true;
              return;
            }
            size += d.length;
            parts.push(d);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), truncated }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${timeout} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
