/**
 * A local stand-in for the Kubernetes API server and the kubelet, over real HTTPS (self-signed
 * certificate made with openssl) or HTTP: `/api/v1/namespaces/<ns>/pods/<pod>`, `/api/v1/namespaces/<ns>` and
 * `/pods`, from the JSON fixtures in fixtures/kubernetes/{pods,namespaces}, with bearer token checks (401), per-pod
 * misbehaviour (403, bad JSON, no answer) and request accounting.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURES = join(process.cwd(), 'fixtures/kubernetes');

/** The JSON documents of fixtures/kubernetes/<kind> (pods, namespaces). */
export function loadFixtures(kind: 'pods' | 'namespaces'): { metadata: { name: string; namespace?: string } }[] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { metadata: { name: string; namespace?: string } });
}

export type Misbehaviour = 'forbidden' | 'bad-json' | 'hang' | 'huge';

export interface TlsFiles {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
}

/** A self-signed certificate for 127.0.0.1, or undefined when openssl is not installed. */
export function makeCertificate(): TlsFiles | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'kube-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { dir, cert, key };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

export class KubeServer {
  /** Paths asked for, in order. */
  readonly requests: string[] = [];
  /** Pod documents by `<ns>/<name>` (tests may add or remove pods). */
  readonly pods = new Map<string, unknown>();
  readonly namespaces = new Map<string, unknown>();
  readonly misbehave = new Map<string, Misbehaviour>();
  token = 'token-1';
  /** Milliseconds each answer is held back (to observe concurrency). */
  delayMs = 0;
  active = 0;
  peakActive = 0;
  private readonly server: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  constructor(tls: TlsFiles | undefined) {
    for (const pod of loadFixtures('pods')) this.pods.set(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`, pod);
    for (const ns of loadFixtures('namespaces')) this.namespaces.set(ns.metadata.name, ns);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.handle(req, res);
    this.server = tls ? https.createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, handler) : http.createServer(handler);
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  count(path: string): number {
    return this.requests.filter((p) => p === path).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '';
    this.requests.push(path);
    this.active++;
    this.peakActive = Math.max(this.peakActive, this.active);
    res.on('close', () => this.active--);
    const answer = (): void => {
      if (req.headers.authorization !== `Bearer ${this.token}`) return this.json(res, 401, status(401, 'Unauthorized'));
      if (path === '/pods') return this.json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [...this.pods.values()] });
      const nsPath = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path);
      if (nsPath) {
        const ns = this.namespaces.get(decodeURIComponent(nsPath[1]!));
        return ns === undefined ? this.json(res, 404, status(404, 'NotFound')) : this.json(res, 200, ns);
      }
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
      if (!m) return this.json(res, 404, status(404, 'NotFound'));
      const id = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
      switch (this.misbehave.get(id)) {
        case 'forbidden':
          return this.json(res, 403, status(403, 'Forbidden'));
        case 'bad-json':
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"kind": "Pod", "metadata": {');
          return;
        case 'huge':
          return this.json(res, 200, { ...(this.pods.get(id) as object), padding: 'x'.repeat(100_000) });
        case 'hang':
          this.hanging.add(res);
          return;
        default: {
          const pod = this.pods.get(id);
          return pod === undefined ? this.json(res, 404, status(404, 'NotFound')) : this.json(res, 200, pod);
        }
      }
    };
    if (this.delayMs > 0) setTimeout(answer, this.delayMs);
    else answer();
  }

  private json(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  }
}

function status(code: number, reason: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: reason.toLowerCase(), reason, code };
}
