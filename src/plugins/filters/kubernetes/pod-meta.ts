/**
 * The `kubernetes` map of a record, built from a pod document (API server or kubelet item) and
 * the tag, in Fluent Bit's key order; and the pod's `fluentbit.io/parser` and
 * `fluentbit.io/exclude` annotations resolved for one container.
 */
import type { LogRecord } from '../../../record/event.js';
import type { KubeTagInfo } from './tag-parser.js';

export interface MetaSwitches {
  readonly labels: boolean;
  readonly annotations: boolean;
  readonly ownerReferences: boolean;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mapAt(v: unknown, key: string): Record<string, unknown> | undefined {
  const m = isMap(v) ? v[key] : undefined;
  return isMap(m) ? m : undefined;
}

function stringAt(v: Record<string, unknown> | undefined, key: string): string | undefined {
  const s = v?.[key];
  return typeof s === 'string' ? s : undefined;
}

/** The pod's metadata.name and metadata.namespace (to pick items of a kubelet /pods list). */
export function podIdentity(pod: unknown): { name: string; namespace: string } | undefined {
  const meta = mapAt(pod, 'metadata');
  const name = stringAt(meta, 'name');
  const namespace = stringAt(meta, 'namespace');
  return name !== undefined && namespace !== undefined ? { name, namespace } : undefined;
}

/** The items of a kubelet `/pods` answer (a PodList). */
export function podListItems(list: unknown): unknown[] {
  const items = isMap(list) ? list['items'] : undefined;
  return Array.isArray(items) ? items : [];
}

/** The status entry of a container, in containerStatuses then initContainerStatuses. */
function containerStatus(pod: unknown, container: string | undefined): Record<string, unknown> | undefined {
  if (container === undefined) return undefined;
  const status = mapAt(pod, 'status');
  for (const list of ['containerStatuses', 'initContainerStatuses']) {
    const entries = status?.[list];
    if (!Array.isArray(entries)) continue;
    for (const e of entries) if (isMap(e) && e['name'] === container) return e;
  }
  return undefined;
}

/** `containerd://abc` → `abc`. */
function withoutScheme(id: string): string {
  const i = id.indexOf('://');
  return i >= 0 ? id.slice(i + 3) : id;
}

/** `docker-pullable://repo@sha256:..` → `repo@sha256:..`: the part after `:` and its slashes. */
function imageHash(imageId: string): string {
  const i = imageId.indexOf(':/');
  if (i < 0) return imageId;
  let j = i + 1;
  while (imageId.charCodeAt(j) === 47 /* / */) j++;
  return imageId.slice(j);
}

export function kubernetesMap(pod: unknown, tag: KubeTagInfo, s: MetaSwitches): LogRecord {
  const meta = mapAt(pod, 'metadata');
  const out: LogRecord = { pod_name: tag.podName, namespace_name: tag.namespace };
  const uid = stringAt(meta, 'uid');
  if (uid !== undefined) out['pod_id'] = uid;
  const labels = mapAt(meta, 'labels');
  if (s.labels && labels !== undefined) out['labels'] = labels;
  const annotations = mapAt(meta, 'annotations');
  if (s.annotations && annotations !== undefined) out['annotations'] = annotations;
  const owners = meta?.['ownerReferences'];
  if (s.ownerReferences && Array.isArray(owners)) out['ownerReferences'] = owners;
  const host = stringAt(mapAt(pod, 'spec'), 'nodeName');
  if (host !== undefined) out['host'] = host;
  const podIp = stringAt(mapAt(pod, 'status'), 'podIP');
  if (podIp !== undefined) out['pod_ip'] = podIp;
  if (tag.container !== undefined) out['container_name'] = tag.container;
  const status = containerStatus(pod, tag.container);
  const containerId = stringAt(status, 'containerID');
  const dockerId = tag.dockerId ?? (containerId !== undefined ? withoutScheme(containerId) : undefined);
  if (dockerId !== undefined) out['docker_id'] = dockerId;
  const imageId = stringAt(status, 'imageID');
  const hash = tag.containerHash ?? (imageId !== undefined ? imageHash(imageId) : undefined);
  if (hash !== undefined) out['container_hash'] = hash;
  const image = stringAt(status, 'image');
  if (image !== undefined) out['container_image'] = image;
  return out;
}

/** Only what the tag says (Use_Tag_For_Meta). */
export function tagOnlyMap(tag: KubeTagInfo): LogRecord {
  const out: LogRecord = { pod_name: tag.podName, namespace_name: tag.namespace };
  if (tag.container !== undefined) out['container_name'] = tag.container;
  if (tag.dockerId !== undefined) out['docker_id'] = tag.dockerId;
  return out;
}

/** Per stream: the parser name the pod asks for and whether its logs are excluded. */
export interface StreamProps {
  parser: string | undefined;
  exclude: boolean | undefined;
}

export interface PodProps {
  readonly stdout: StreamProps;
  readonly stderr: StreamProps;
}

export interface AnnotationPolicy {
  readonly allowParser: boolean;
  readonly allowExclude: boolean;
  /** Called for annotations that are present but not allowed by K8S-Logging.Parser/Exclude. */
  readonly notAllowed: (annotation: string) => void;
}

const ANNOTATION = /^fluentbit\.io\/(parser|exclude)(_stdout|_stderr)?(?:-(.+))?$/;

function isTrue(v: string): boolean {
  return /^(true|on|yes)$/i.test(v.trim());
}

/**
 * Resolves `fluentbit.io/parser[_stdout|_stderr][-<container>]` and `fluentbit.io/exclude[...]`
 * for one container: container-specific annotations win; generic ones fill what is unset. The
 * container suffix is compared as a prefix of the container name (Fluent Bit's quirk).
 */
export function podProps(pod: unknown, container: string | undefined, policy: AnnotationPolicy): PodProps {
  const props: PodProps = { stdout: { parser: undefined, exclude: undefined }, stderr: { parser: undefined, exclude: undefined } };
  const annotations = mapAt(mapAt(pod, 'metadata'), 'annotations');
  if (annotations === undefined) return props;
  const generic: [string, string | undefined, string][] = [];
  const specific: typeof generic = [];
  for (const [key, value] of Object.entries(annotations)) {
    const m = ANNOTATION.exec(key);
    if (m === null || typeof value !== 'string') continue;
    const what = m[1]!;
    if ((what === 'parser' && !policy.allowParser) || (what === 'exclude' && !policy.allowExclude)) {
      policy.notAllowed(key);
      continue;
    }
    const suffix = m[3];
    if (suffix === undefined) generic.push([what, m[2], value]);
    else if (container !== undefined && container.startsWith(suffix)) specific.push([what, m[2], value]);
  }
  const apply = (entries: typeof generic, override: boolean): void => {
    for (const [what, stream, value] of entries) {
      for (const name of ['stdout', 'stderr'] as const) {
        if (stream !== undefined && stream !== `_${name}`) continue;
        const slot = props[name];
        if (what === 'parser' && (override || slot.parser === undefined)) slot.parser = value;
        if (what === 'exclude' && (override || slot.exclude === undefined)) slot.exclude = isTrue(value);
      }
    }
  };
  apply(specific, true);
  apply(generic, false);
  return props;
}

/** The setting for a record's `stream`; without one, both streams must agree. */
export function streamSetting<K extends keyof StreamProps>(props: PodProps, stream: unknown, key: K): StreamProps[K] | undefined {
  if (stream === 'stdout') return props.stdout[key];
  if (stream === 'stderr') return props.stderr[key];
  return props.stdout[key] === props.stderr[key] ? props.stdout[key] : undefined;
}
