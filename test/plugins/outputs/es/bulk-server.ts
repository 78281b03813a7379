/**
 * A Bulk API endpoint on 127.0.0.1 for the es/opensearch output tests: it parses the NDJSON body
 * (gzip too), checks that it is action/source pairs, keeps the documents it indexed, and answers
 * per item as Elasticsearch does. `decide` scripts an item's outcome (e.g. 429 or a mapping error);
 * `statuses` scripts whole-request HTTP statuses.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface BulkRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as received (possibly gzip). */
  readonly raw: Buffer;
  /** The NDJSON text. */
  readonly text: string;
  readonly pairs: { action: Record<string, Record<string, unknown>>; source: Record<string, unknown> }[];
}

export type ItemOutcome = { status: number; error?: { type: string; reason: string } } | undefined;

export interface BulkServer {
  readonly port: number;
  readonly url: string;
  readonly requests: BulkRequest[];
  /** Sources indexed, in the order they were accepted. */
  readonly indexed: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface BulkServerOptions {
  /** Outcome of one item (request number from 0, item position, source); undefined = indexed (201). */
  decide?: (request: number, item: number, source: Record<string, unknown>, action: Record<string, Record<string, unknown>>) => ItemOutcome;
  /** Whole-request answers, used in order before any item is looked at: [status, body]. */
  statuses?: [number, string][];
}

export async function bulkServer(options: BulkServerOptions = {}): Promise<BulkServer> {
  const requests: BulkRequest[] = [];
  const indexed: Record<string, unknown>[] = [];
  const statuses = [...(options.statuses ?? [])];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(parts);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const lines = text.split('\n');
      if (lines.pop() !== '' || lines.length % 2 !== 0) {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: { type: 'parse_exception', reason: 'body must be NDJSON action/source pairs ending in a newline' }, status: 400 }));
        return;
      }
      const pairs: BulkRequest['pairs'] = [];
      for (let i = 0; i < lines.length; i += 2) pairs.push({ action: JSON.parse(lines[i]!), source: JSON.parse(lines[i + 1]!) });
      const n = requests.length;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, text, pairs });
      const whole = statuses.shift();
      if (whole) {
        res.statusCode = whole[0];
        res.end(whole[1]);
        return;
      }
      let errors = false;
      const items = pairs.map((p, i) => {
        const op = Object.keys(p.action)[0]!;
        const meta = p.action[op]!;
        const outcome = options.decide?.(n, i, p.source, p.action) ?? { status: 201 };
        if (outcome.status === 201 || outcome.status === 200) indexed.push(p.source);
        else errors = true;
        return { [op]: { _index: meta['_index'], _id: meta['_id'] ?? `auto-${n}-${i}`, status: outcome.status, ...(outcome.error ? { error: outcome.error } : { result: 'created' }) } };
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ took: 1, errors, items }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    indexed,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
