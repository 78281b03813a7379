/**
 * Pod, namespace, container and container id from a tail tag (Fluent Bit's `parse_regex_tag_data`):
 * `Kube_Tag_Prefix` is cut off by its length without checking that the tag starts with it, then
 * the rest is searched with the default regex (or the named groups of `Regex_Parser`).
 */
import type { RecordParser } from '../../../parsers/runtime/index.js';

export interface KubeTagInfo {
  readonly podName: string;
  readonly namespace: string;
  readonly container: string | undefined;
  readonly dockerId: string | undefined;
  readonly containerHash: string | undefined;
}

export type TagParseResult = { readonly ok: true; readonly info: KubeTagInfo } | { readonly ok: false; readonly reason: string };

/** Start unanchored, end anchored: a short prefix leaves `var.log.containers.` in the pod name (as in Fluent Bit). */
const DEFAULT_TAG_REGEX =
  /(?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{64})\.log$/;

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : String(v);
  return s.length > 0 ? s : undefined;
}

export class KubeTagParser {
  constructor(
    private readonly prefix: string,
    private readonly regexParser: RecordParser | undefined,
  ) {}

  parse(tag: string): TagParseResult {
    if (tag.length <= this.prefix.length + 1) return { ok: false, reason: `tag '${tag}' is too short for Kube_Tag_Prefix '${this.prefix}'` };
    const groups = this.groups(tag.slice(this.prefix.length));
    const podName = text(groups?.['pod_name']);
    const namespace = text(groups?.['namespace_name']);
    if (groups === undefined || podName === undefined || namespace === undefined) {
      return { ok: false, reason: `invalid pattern for given tag '${tag}'` };
    }
    return {
      ok: true,
      info: {
        podName,
        namespace,
        container: text(groups['container_name']),
        dockerId: text(groups['docker_id']),
        containerHash: text(groups['container_hash']),
      },
    };
  }

  private groups(rest: string): Record<string, unknown> | undefined {
    if (this.regexParser !== undefined) return this.regexParser.parseRecord(rest, 0n);
    return DEFAULT_TAG_REGEX.exec(rest)?.groups;
  }
}

/** Docker's journald CONTAINER_NAME: `k8s_<container>[.<hash>]_<pod>_<namespace>_<uid>_<attempt>`. */
const JOURNAL_REGEX = /^(?<name_prefix>[^_]+)_(?<container_name>[^._]+)(\.(?<container_hash>[^_]+))?_(?<pod_name>[^_]+)_(?<namespace_name>[^_]+)_[^_]+_[^_]+$/;

/** Pod, namespace and container of a journald record (Use_Journal), from its CONTAINER_NAME field. */
export function parseJournalName(value: unknown): KubeTagInfo | undefined {
  const g = typeof value === 'string' ? JOURNAL_REGEX.exec(value)?.groups : undefined;
  if (g === undefined) return undefined;
  return { podName: g['pod_name']!, namespace: g['namespace_name']!, container: g['container_name'], dockerId: undefined, containerHash: text(g['container_hash']) };
}
