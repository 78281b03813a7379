/**
 * A local stand-in for the Kubernetes API server, over HTTP on 127.0.0.1: the pod and namespace
 * lookups the kubernetes filter makes (`/api/v1/namespaces/<ns>/pods/<pod>`,
 * `/api/v1/namespaces/<ns>`) and the kubelet's `/pods` list, answered from pod and namespace JSON
 * documents (e.g. `kubectl get pod -o json`). `logferry test` and the demo use it so the filter
 * runs for real without a cluster.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface KubeObject {
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export interface KubeLocal {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Requests answered, by path. */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

/** Reads JSON documents from files or directories (every `*.json` inside, sorted). */
export function readKubeObjects(paths: readonly string[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const p of paths) {
    const files = statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(p, f))
      : [p];
    for (const f of files) {
      const doc = JSON.parse(readFileSync(f, 'utf8')) as { items?: KubeObject[] } & Partial<KubeObject>;
      if (Array.isArray(doc.items)) out.push(...doc.items);
      else if (doc.metadata && typeof doc.metadata.name === 'string') out.push(doc as KubeObject);
      else throw new Error(`${f}: not a Kubernetes object or list (no metadata.name)`);
    }
  }
  return out;
}

export async function startKubeLocal(pods: readonly KubeObject[], namespaces: readonly KubeObject[] = []): Promise<KubeLocal> {
  const requests = new Map<string, number>();
  const pod = new Map(pods.map((p) => [`${p.metadata.namespace ?? 'default'}/${p.metadata.name}`, p]));
  const ns = new Map(namespaces.map((n) => [n.metadata.name, n]));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    let body: unknown;
    const m = /^\/api\/v1\/namespaces\/([^/]+)(?:\/pods\/([^/]+))?$/.exec(path);
    if (path === '/pods') body = { kind: 'PodList', apiVersion: 'v1', items: pods };
    else if (m && m[2] !== undefined) body = pod.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2])}`);
    else if (m) body = ns.get(decodeURIComponent(m[1]!)) ?? { kind: 'Namespace', apiVersion: 'v1', metadata: { name: decodeURIComponent(m[1]!) } };
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
