/**
 * The rules of the EKS on Fargate log router (EKS User Guide, "Start AWS Fargate logging for your
 * cluster"; semantics notes section 11): which data keys, sections, plugins and keys the
 * `aws-logging` ConfigMap may hold, and the input Fargate adds itself.
 */
import { makeDiagnostic, type Diagnostic, type Span } from '../../diagnostics/diagnostic.js';
import { findPlugin, UNSUPPORTED_PLUGINS } from '../../plugins/registry.js';
import type { Section, SectionKind } from '../document/model.js';

export const FARGATE_NAMESPACE = 'aws-observability';
export const FARGATE_CONFIGMAP = 'aws-logging';
/** The limit on the ConfigMap's content, counted as the total length of its data values. */
export const FARGATE_MAX_CHARACTERS = 5300;

/** The data keys and the one section kind each holds. */
export const CONFIG_KEYS = { 'filters.conf': 'filter', 'output.conf': 'output', 'parsers.conf': 'parser' } as const satisfies Record<string, SectionKind>;
export type ConfigKey = keyof typeof CONFIG_KEYS;
export const DATA_KEYS: readonly string[] = [...Object.keys(CONFIG_KEYS), 'flb_log_cw'];

export const FARGATE_FILTERS: readonly string[] = ['grep', 'parser', 'record_modifier', 'rewrite_tag', 'throttle', 'nest', 'modify', 'kubernetes'];
export const FARGATE_OUTPUTS: readonly string[] = ['es', 'firehose', 'kinesis_firehose', 'cloudwatch', 'cloudwatch_logs', 'kinesis'];

/** kubernetes filter keys Fargate sets itself. */
export const SERVICE_OWNED_KUBE_KEYS: readonly string[] = ['Kube_URL', 'Kube_CA_File', 'Kube_Token_Command', 'Kube_Token_File'];

/** What Fargate sets when the kubernetes filter has no Kube_Meta_Cache_TTL. */
export const DEFAULT_KUBE_META_CACHE_TTL = '30m';

/** The [INPUT] Fargate runs (not editable), in the order the EKS User Guide shows it. */
export const MANAGED_INPUT: readonly (readonly [string, string])[] = [
  ['Name', 'tail'],
  ['Buffer_Max_Size', '66KB'],
  ['DB', '/var/log/flb_kube.db'],
  ['Mem_Buf_Limit', '45MB'],
  ['Path', '/var/log/containers/*.log'],
  ['Read_From_Head', 'On'],
  ['Refresh_Interval', '10'],
  ['Rotate_Wait', '30'],
  ['Skip_Long_Lines', 'On'],
  ['Tag', 'kube.*'],
];

const ALLOWED_SECTIONS = 'only [FILTER], [OUTPUT] and [PARSER] sections';

/** A section read from one data key (`role`), or from a file given with --fargate (no role). */
export interface PlacedSection {
  readonly section: Section;
  readonly role: ConfigKey | undefined;
}

function entryOf(section: Section, key: string) {
  const k = key.toLowerCase();
  return [...section.entries].reverse().find((e) => e.key.toLowerCase() === k);
}

/**
 * Whether a section may be used, reporting why not: only FILTER, OUTPUT and PARSER are accepted,
 * each under its own key. A section under the wrong key is reported but still checked like the
 * others (no cascade); any other section is left out of the plan.
 */
export function checkPlacement(placed: PlacedSection, where: string, report: (d: Diagnostic) => void): boolean {
  const { section, role } = placed;
  if (section.kind === undefined) return false; // already an unknown-section error
  const expected = (Object.keys(CONFIG_KEYS) as ConfigKey[]).find((k) => CONFIG_KEYS[k] === section.kind);
  if (!expected) {
    report(
      makeDiagnostic({
        code: 'fargate-section-not-allowed',
        message: `[${section.header}] is not allowed in ${where}; Fargate accepts ${ALLOWED_SECTIONS}`,
        span: section.span,
        hint:
          section.kind === 'service' || section.kind === 'input'
            ? 'Fargate manages [SERVICE] and [INPUT] itself (a tail input with Tag kube.*); remove this section'
            : 'Fargate rejects the ConfigMap when it holds any other section; remove it',
      }),
    );
    return false;
  }
  if (role !== undefined && role !== expected) {
    report(
      makeDiagnostic({
        code: 'fargate-section-not-allowed',
        message: `[${section.header}] must be under the ${expected} key, not ${role}`,
        span: section.span,
        hint: 'Fargate expects [FILTER] sections under filters.conf, [OUTPUT] under output.conf and [PARSER] under parsers.conf',
      }),
    );
  }
  return true;
}

/** @INCLUDE and @SET: Fargate reads sections only. */
export function metaNotAllowed(command: '@INCLUDE' | '@SET', span: Span, where: string): Diagnostic {
  return makeDiagnostic({
    code: 'fargate-section-not-allowed',
    message: `${command} is not allowed in ${where}; Fargate accepts ${ALLOWED_SECTIONS}`,
    span,
    hint: command === '@SET' ? 'Fargate allows no variables: write the values themselves' : 'put the sections of the included file into the ConfigMap itself',
  });
}

/** Plugin, Match and service-owned keys of one [FILTER] or [OUTPUT]. */
export function checkInstance(section: Section, report: (d: Diagnostic) => void): void {
  const kind = section.kind;
  if (kind !== 'filter' && kind !== 'output') return;
  const label = kind === 'filter' ? 'FILTER' : 'OUTPUT';
  const nameEntry = entryOf(section, 'name');
  const plugin = nameEntry?.value.trim().toLowerCase() ?? '';
  const allowed = kind === 'filter' ? FARGATE_FILTERS : FARGATE_OUTPUTS;
  const known = findPlugin(kind, plugin) !== undefined || UNSUPPORTED_PLUGINS[kind][plugin] !== undefined;
  if (nameEntry && known && !allowed.includes(plugin)) {
    report(
      makeDiagnostic({
        code: 'fargate-plugin-not-allowed',
        message: `${kind} plugin '${nameEntry.value.trim()}' is not supported by Fargate`,
        span: nameEntry.valueSpan,
        hint: `Fargate accepts the ${kind}s ${allowed.join(', ')}`,
      }),
    );
  }
  if (!entryOf(section, 'match')) {
    report(
      makeDiagnostic({
        code: 'fargate-missing-match',
        message: `[${label}]${plugin ? ` ${plugin}` : ''} has no Match; Fargate requires Name and Match in every [FILTER] and [OUTPUT]`,
        span: section.span,
        hint: entryOf(section, 'match_regex')
          ? 'Fargate requires Match even when Match_Regex is set'
          : "add 'Match kube.*' (Fargate's input tags records kube.var.log.containers.<file name>)",
      }),
    );
  }
  if (kind === 'filter' && plugin === 'kubernetes') {
    for (const e of section.entries) {
      const owned = SERVICE_OWNED_KUBE_KEYS.find((k) => k.toLowerCase() === e.key.toLowerCase());
      if (!owned) continue;
      report(
        makeDiagnostic({
          code: 'fargate-key-not-allowed',
          message: `${e.key} is set by Fargate and must not be specified`,
          span: e.keySpan,
          hint: `Fargate populates ${SERVICE_OWNED_KUBE_KEYS.join(', ')} itself; remove this key`,
        }),
      );
    }
  }
}

/**
 * The kubernetes filter as Fargate runs it: with Kube_Meta_Cache_TTL 30m appended when the user
 * did not set it (the entry points at the section header).
 */
export function withFargateDefaults(section: Section): Section {
  if (section.kind !== 'filter' || entryOf(section, 'name')?.value.trim().toLowerCase() !== 'kubernetes') return section;
  if (entryOf(section, 'kube_meta_cache_ttl')) return section;
  const at = section.span;
  return { ...section, entries: [...section.entries, { key: 'Kube_Meta_Cache_TTL', value: DEFAULT_KUBE_META_CACHE_TTL, span: at, keySpan: at, valueSpan: at }] };
}

/** The managed tail input, located at `at` (it has no text of its own). */
export function managedInput(at: Span): Section {
  return { kind: 'input', header: 'INPUT', span: at, entries: MANAGED_INPUT.map(([key, value]) => ({ key, value, span: at, keySpan: at, valueSpan: at })) };
}

/** `${...}` references in a config text (comment lines skipped), as offsets into the text. */
export function variableReferences(text: string): { start: number; end: number; text: string }[] {
  const found: { start: number; end: number; text: string }[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    if (!line.trimStart().startsWith('#')) {
      for (const m of line.matchAll(/\$\{[^}\n]*\}?/g)) found.push({ start: lineStart + m.index, end: lineStart + m.index + m[0].length, text: m[0] });
    }
    lineStart += line.length + 1;
  }
  return found;
}
