/**
 * Where pod and namespace documents come from: Kube_Meta_Preload_Cache_Dir first, then the API
 * server (`/api/v1/namespaces/<ns>/pods/<pod>`, `/api/v1/namespaces/<ns>`) or, for pods with
 * Use_Kubelet, one kubelet `/pods` list that serves every pod of the node. Pods are cached
 * (failures for a short while), lookups in flight are shared, and every request and failure is
 * counted (`api_requests`, `api_errors`) and failures logged with their reason.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../../engine/logger.js';
import type { Counters } from '../../../engine/metrics.js';
import { KubeRequestError, type KubeClient } from './api-client.js';
import { InFlight, TtlCache } from './meta-cache.js';
import { podIdentity, podListItems } from './pod-meta.js';

export type Lookup = { readonly ok: true; readonly doc: unknown } | { readonly ok: false };

const FAILED: Lookup = { ok: false };

export interface MetadataSourceOptions {
  /** The API server; undefined when it is not used (or Kube_URL is invalid). */
  readonly apiClient: KubeClient | undefined;
  /** The kubelet, with Use_Kubelet. */
  readonly kubeletClient: KubeClient | undefined;
  readonly preloadDir: string | undefined;
  /** Kube_Meta_Cache_TTL (0 = never expires). */
  readonly podTtlMs: number;
  readonly negativeTtlMs: number;
  readonly kubeletRefreshMs: number;
  readonly capacity: number;
  readonly counters: Counters;
  readonly log: Logger;
}

export class MetadataSource {
  private readonly pods: TtlCache<Lookup>;
  private readonly inFlight = new InFlight<Lookup>();
  private kubeletListedAt = -Infinity;

  constructor(private readonly o: MetadataSourceOptions) {
    this.pods = new TtlCache(o.capacity, o.podTtlMs);
  }

  /** A pod already known (or known to have failed), without waiting. */
  cachedPod(namespace: string, pod: string): Lookup | undefined {
    return this.pods.get(`${namespace}/${pod}`);
  }

  pod(namespace: string, pod: string): Promise<Lookup> {
    const id = `${namespace}/${pod}`;
    return this.inFlight.run(id, async () => {
      const preloaded = await this.preloaded(`${namespace}_${pod}.meta`);
      if (preloaded !== undefined) {
        this.pods.set(id, preloaded);
        return preloaded;
      }
      if (this.o.kubeletClient !== undefined) return this.fromKubelet(this.o.kubeletClient, id);
      if (this.o.apiClient === undefined) return FAILED;
      const result = await this.request(this.o.apiClient, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`, `pod ${id}`);
      this.pods.set(id, result, result.ok ? this.o.podTtlMs : this.o.negativeTtlMs);
      return result;
    });
  }

  /** A namespace document (not cached here: callers cache what they build from it). */
  namespace(name: string): Promise<Lookup> {
    return this.inFlight.run(`namespace:${name}`, async () => {
      const preloaded = await this.preloaded(`${name}.namespace_meta`);
      if (preloaded !== undefined) return preloaded;
      if (this.o.apiClient === undefined) return FAILED;
      return this.request(this.o.apiClient, `/api/v1/namespaces/${encodeURIComponent(name)}`, `namespace ${name}`);
    });
  }

  clear(): void {
    this.pods.clear();
  }

  /**
   * A JSON document from Kube_Meta_Preload_Cache_Dir; undefined when there is none (or it is not JSON).
   * The name comes from the tag (any tag, e.g. one rewrite_tag took from a record): one with a path
   * separator is no Kubernetes name and would read a file outside the directory, so none is read.
   */
  private async preloaded(file: string): Promise<Lookup | undefined> {
    const dir = this.o.preloadDir;
    if (dir === undefined || /[/\\]/.test(file)) return undefined;
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return { ok: true, doc: JSON.parse(text) as unknown };
    } catch (err) {
      this.o.log.warn(`ignoring ${file} in Kube_Meta_Preload_Cache_Dir: ${(err as Error).message}`);
      return undefined;
    }
  }

  /**
   * One `/pods` request serves every pod of the node: all items are cached. A pod missing from the
   * list is not asked for again before kubeletRefreshMs has passed since the last list.
   */
  private async fromKubelet(client: KubeClient, id: string): Promise<Lookup> {
    if (Date.now() - this.kubeletListedAt >= this.o.kubeletRefreshMs) {
      await this.inFlight.run('/pods', async () => {
        const list = await this.request(client, '/pods', 'the kubelet pod list');
        this.kubeletListedAt = Date.now();
        if (!list.ok) return list;
        for (const item of podListItems(list.doc)) {
          const ident = podIdentity(item);
          if (ident !== undefined) this.pods.set(`${ident.namespace}/${ident.name}`, { ok: true, doc: item });
        }
        return list;
      });
    }
    const found = this.pods.get(id);
    if (found !== undefined) return found;
    this.o.log.debug(`pod ${id} is not in the kubelet's pod list`);
    return FAILED;
  }

  private async request(client: KubeClient, path: string, what: string): Promise<Lookup> {
    this.o.counters.add('api_requests');
    try {
      return { ok: true, doc: await client.getJson(path) };
    } catch (err) {
      this.o.counters.add('api_errors');
      const reason = err instanceof KubeRequestError ? err.message : `unexpected error: ${(err as Error).message}`;
      this.o.log.warn(`cannot get metadata of ${what}: ${reason}; records pass without metadata`);
      return FAILED;
    }
  }
}
