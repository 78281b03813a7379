/**
 * The kubernetes filter runtime: per chunk, read the pod from the tag, find its metadata (cache,
 * else one de-duplicated, rate-limited request to the API server or the kubelet), then per record
 * apply K8S-Logging.Exclude, Merge_Log and append the `kubernetes` map. A failed lookup never
 * blocks or drops records: they pass untouched (as Fluent Bit's FLB_FILTER_NOTOUCH), the error is
 * counted (`api_errors`) and logged with its reason.
 */
import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { createParser, type RecordParser } from '../../../parsers/runtime/index.js';
import { setField } from '../../../parsers/runtime/types.js';
import { KubeClient, Limiter, TokenSource } from './api-client.js';
import type { KubernetesOptions } from './options.js';
import { parseKubeUrl } from './kube-url.js';
import { TtlCache } from './meta-cache.js';
import { MetadataSource, type Lookup } from './metadata-source.js';
import { mergeLog, type MergeOptions } from './merge-log.js';
import { namespaceMap } from './namespace-meta.js';
import { kubernetesMap, podProps, streamSetting, tagOnlyMap, type MetaSwitches, type PodProps } from './pod-meta.js';
import { KubeTagParser, parseJournalName, type KubeTagInfo } from './tag-parser.js';

/** Limits that Fluent Bit hard-codes or does not have; tests may lower them. */
export interface KubernetesTuning {
  /** I/O timeout of one request (Fluent Bit master: kube_meta_io_timeout 30s). */
  readonly timeoutMs: number;
  readonly maxConcurrentRequests: number;
  readonly requestsPerSecond: number;
  /** How long a failed lookup is remembered before the pod is asked for again (Fluent Bit master: 60s). */
  readonly negativeCacheTtlMs: number;
  /** Entries of each cache (Fluent Bit: 1024). */
  readonly cacheCapacity: number;
  /** Use_Kubelet: least time between two `/pods` requests; pods missing from the list wait for the next one. */
  readonly kubeletRefreshMs: number;
}

export const DEFAULT_TUNING: KubernetesTuning = {
  timeoutMs: 30_000,
  maxConcurrentRequests: 4,
  requestsPerSecond: 50,
  negativeCacheTtlMs: 60_000,
  cacheCapacity: 1024,
  kubeletRefreshMs: 1000,
};

interface MetaEntry {
  /** The `kubernetes` map; undefined with Namespace_Metadata_Only. */
  readonly kubernetes: LogRecord | undefined;
  readonly props: PodProps;
  /** The `kubernetes_namespace` map (Namespace_Labels / Namespace_Annotations). */
  readonly namespace?: LogRecord | undefined;
}

/** A part of the metadata this configuration does not ask for. */
const NOT_WANTED = null;

const NO_PROPS: PodProps = { stdout: { parser: undefined, exclude: undefined }, stderr: { parser: undefined, exclude: undefined } };

/** `asctime` of the local time without its newline, as Fluent Bit's Dummy_Meta. */
function asctime(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

export class KubernetesFilter implements FilterRuntime {
  private readonly o: KubernetesOptions;
  private readonly tags: KubeTagParser;
  private readonly switches: MetaSwitches;
  private readonly merge: MergeOptions;
  private readonly mergeParser: RecordParser | undefined;
  private readonly parsers = new Map<string, RecordParser | undefined>();
  private readonly entries: TtlCache<MetaEntry>;
  /** Namespace maps by name; null remembers a failed lookup. */
  private readonly namespaces: TtlCache<LogRecord | null>;
  private readonly wantNamespace: boolean;
  private readonly source: MetadataSource;
  private readonly warned = new Set<string>();
  /** Requests running at once, at most (for tests and metrics). */
  readonly limiter: Limiter;
  private readonly tuning: KubernetesTuning;

  constructor(
    o: KubernetesOptions,
    private readonly ctx: FilterContext,
    tuning: Partial<KubernetesTuning> = {},
  ) {
    this.o = o;
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.tags = new KubeTagParser(o.kube_tag_prefix, o.regex_parser !== undefined ? this.parser(o.regex_parser) : undefined);
    this.switches = { labels: o.labels, annotations: o.annotations, ownerReferences: o.owner_references };
    this.merge = { key: o.merge_log_key, trim: o.merge_log_trim, keepLog: o.keep_log };
    this.mergeParser = o.merge_parser !== undefined ? this.parser(o.merge_parser) : undefined;
    this.entries = new TtlCache(this.tuning.cacheCapacity, o.kube_meta_cache_ttl);
    this.limiter = new Limiter(this.tuning.maxConcurrentRequests, this.tuning.requestsPerSecond);
    this.namespaces = new TtlCache(this.tuning.cacheCapacity, o.kube_meta_namespace_cache_ttl);
    this.wantNamespace = o.namespace_labels || o.namespace_annotations || o.namespace_metadata_only;
    const remote = !o.dummy_meta && !o.use_tag_for_meta;
    this.source = new MetadataSource({
      // namespaces always come from the API server, also with Use_Kubelet
      apiClient: remote && (!o.use_kubelet || this.wantNamespace) ? this.createClient(false) : undefined,
      kubeletClient: remote && o.use_kubelet ? this.createClient(true) : undefined,
      preloadDir: o.kube_meta_preload_cache_dir,
      podTtlMs: o.kube_meta_cache_ttl,
      negativeTtlMs: this.tuning.negativeCacheTtlMs,
      kubeletRefreshMs: this.tuning.kubeletRefreshMs,
      capacity: this.tuning.cacheCapacity,
      counters: ctx.counters,
      log: ctx.log,
    });
  }

  private createClient(kubelet: boolean): KubeClient | undefined {
    const o = this.o;
    const endpoint = kubelet ? { https: true, host: o.kubelet_host, port: o.kubelet_port } : parseKubeUrl(o.kube_url);
    if (endpoint === undefined) {
      this.ctx.log.error(`invalid Kube_URL '${o.kube_url}'; records pass without metadata`);
      return undefined;
    }
    return new KubeClient({
      endpoint,
      caFile: o.kube_ca_file,
      caPath: o.kube_ca_path,
      verify: o['tls.verify'],
      verifyHostname: o['tls.verify_hostname'],
      vhost: o['tls.vhost'],
      bufferSize: o.buffer_size,
      timeoutMs: this.tuning.timeoutMs,
      token: new TokenSource(o.kube_token_file, o.kube_token_command, o.kube_token_ttl, this.ctx.log),
      limiter: this.limiter,
      log: this.ctx.log,
    });
  }

  filter(tag: string, events: LogEvent[]): LogEvent[] | Promise<LogEvent[]> {
    if (this.o.dummy_meta) return this.apply(events, { kubernetes: { dummy: asctime(new Date()) }, props: NO_PROPS });
    if (this.o.use_journal) return this.journal(events);
    const parsed = this.tags.parse(tag);
    if (!parsed.ok) {
      this.warnOnce(parsed.reason);
      return events;
    }
    const entry = this.resolve(parsed.info);
    if (entry instanceof Promise) return entry.then((e) => (e !== undefined ? this.apply(events, e) : events));
    return entry !== undefined ? this.apply(events, entry) : events;
  }

  /** Use_Journal: each record names its pod in CONTAINER_NAME; records without one pass untouched. */
  private journal(events: LogEvent[]): LogEvent[] | Promise<LogEvent[]> {
    const resolved = events.map((e) => {
      const info = parseJournalName(e.record['CONTAINER_NAME']);
      return info !== undefined ? this.resolve(info) : undefined;
    });
    const finish = (entries: readonly (MetaEntry | undefined)[]): LogEvent[] => events.flatMap((e, i) => (entries[i] !== undefined ? this.apply([e], entries[i]) : [e]));
    return resolved.some((r) => r instanceof Promise) ? Promise.all(resolved).then(finish) : finish(resolved as (MetaEntry | undefined)[]);
  }

  /** The metadata of a pod; undefined (records pass untouched) when a wanted lookup failed. */
  private resolve(info: KubeTagInfo): MetaEntry | undefined | Promise<MetaEntry | undefined> {
    if (this.o.use_tag_for_meta) return { kubernetes: tagOnlyMap(info), props: NO_PROPS };
    const pod = this.o.namespace_metadata_only ? NOT_WANTED : this.podEntry(info);
    const ns = this.wantNamespace ? this.namespaceMap(info.namespace) : NOT_WANTED;
    if (pod instanceof Promise || ns instanceof Promise) return Promise.all([pod, ns]).then(([p, n]) => combine(p, n));
    return combine(pod, ns);
  }

  private podEntry(info: KubeTagInfo): MetaEntry | undefined | Promise<MetaEntry | undefined> {
    const key = `${info.namespace}:${info.podName}:${info.container ?? ''}${this.o.cache_use_docker_id ? `:${info.dockerId ?? ''}` : ''}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.ctx.counters.add('cache_hits');
      return cached;
    }
    const pod = this.source.cachedPod(info.namespace, info.podName);
    if (pod !== undefined) return this.entryFor(info, key, pod);
    return this.source.pod(info.namespace, info.podName).then((found) => this.entryFor(info, key, found));
  }

  private namespaceMap(name: string): LogRecord | undefined | Promise<LogRecord | undefined> {
    const cached = this.namespaces.get(name);
    if (cached !== undefined) return cached ?? undefined;
    return this.source.namespace(name).then((found) => {
      const map = found.ok ? Object.freeze(namespaceMap(found.doc, name, { labels: this.o.namespace_labels, annotations: this.o.namespace_annotations })) : null;
      this.namespaces.set(name, map, found.ok ? this.o.kube_meta_namespace_cache_ttl : this.tuning.negativeCacheTtlMs);
      return map ?? undefined;
    });
  }

  async stop(): Promise<void> {
    this.entries.clear();
    this.namespaces.clear();
    this.source.clear();
  }

  private entryFor(info: KubeTagInfo, key: string, pod: Lookup): MetaEntry | undefined {
    if (!pod.ok) return undefined;
    const entry: MetaEntry = {
      kubernetes: Object.freeze(kubernetesMap(pod.doc, info, this.switches)),
      props: podProps(pod.doc, info.container, {
        allowParser: this.o['k8s-logging.parser'],
        allowExclude: this.o['k8s-logging.exclude'],
        notAllowed: (a) => this.warnOnce(`annotation ${a} is not allowed (enable K8S-Logging.Parser or K8S-Logging.Exclude)`),
      }),
    };
    this.entries.set(key, entry);
    return entry;
  }

  private apply(events: LogEvent[], entry: MetaEntry): LogEvent[] {
    const out: LogEvent[] = [];
    let excluded = 0;
    for (const e of events) {
      const stream = e.record['stream'];
      if (this.o['k8s-logging.exclude'] && streamSetting(entry.props, stream, 'exclude') === true) {
        excluded++;
        continue;
      }
      if (this.o.merge_log) {
        const name = this.o['k8s-logging.parser'] ? streamSetting(entry.props, stream, 'parser') : undefined;
        const parser = name !== undefined ? this.parser(name) : this.mergeParser;
        const merged = mergeLog(e, name !== undefined && parser === undefined ? this.mergeParser : parser, this.merge);
        if (merged !== undefined) e.record = merged;
      }
      // The records of a pod share its cached maps (frozen: nothing may change one record's copy).
      if (entry.kubernetes !== undefined) setField(e.record, 'kubernetes', entry.kubernetes);
      if (entry.namespace !== undefined) setField(e.record, 'kubernetes_namespace', entry.namespace);
      out.push(e);
    }
    if (excluded > 0) this.ctx.counters.add('excluded_records', excluded);
    return out;
  }

  /** A [PARSER] by name, created once; unknown names are warned about once and ignored. */
  private parser(name: string): RecordParser | undefined {
    if (this.parsers.has(name)) return this.parsers.get(name);
    const plan = this.ctx.parsers.parsers.get(name);
    if (plan === undefined) this.warnOnce(`parser '${name}' is not defined; ignored`);
    const parser = plan !== undefined ? createParser(plan) : undefined;
    this.parsers.set(name, parser);
    return parser;
  }

  /** Warns once per message (bounded: after 1,000 different messages they may repeat). */
  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    if (this.warned.size >= 1000) this.warned.clear();
    this.warned.add(message);
    this.ctx.log.warn(message);
  }
}

/** Pod entry and namespace map together; undefined when the pod failed, or the namespace did with Namespace_Metadata_Only. */
function combine(pod: MetaEntry | undefined | null, ns: LogRecord | undefined | null): MetaEntry | undefined {
  if (pod === undefined || (pod === NOT_WANTED && ns === undefined)) return undefined;
  const entry = pod ?? { kubernetes: undefined, props: NO_PROPS };
  return ns ? { ...entry, namespace: ns } : entry;
}
