/**
 * `logferry explain <plugin> --fluent-bit-version X`: the keys a Fluent Bit release has for any of
 * its plugins (those logferry does not run included) or for [SERVICE], [PARSER], [MULTILINE_PARSER],
 * from the version tables.
 */
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import { FLUENT_BIT_KINDS, type CoreKind, type FluentBitKind } from './data.js';
import type { KeyInfo, KeyTable, ReleaseTables } from './tables.js';

const SECTIONS = { service: 'service', parser: 'parser', multiline_parser: 'multiline_parser' } as const;

export type VersionTopic =
  | { readonly found: { readonly title: string; readonly keys: KeyTable; readonly common?: KeyTable; readonly note?: string } }
  | { readonly ambiguous: readonly FluentBitKind[] }
  | { readonly unknown: string };

/** The keys of a plugin or section in one release; `kind` picks among plugins of several kinds. */
export function versionTopic(tables: ReleaseTables, name: string, kind?: FluentBitKind): VersionTopic {
  const lower = name.toLowerCase();
  const section = SECTIONS[lower as keyof typeof SECTIONS];
  if (section && kind === undefined) return { found: { title: `[${section.toUpperCase()}] in ${tables.label}`, keys: tables.section(section) } };
  const kinds = (kind ? [kind] : FLUENT_BIT_KINDS).filter((k) => tables.hasPlugin(k, lower));
  if (kinds.length > 1) return { ambiguous: kinds };
  const found = kinds[0];
  if (found === undefined) {
    const elsewhere = FLUENT_BIT_KINDS.find((k) => tables.pluginReleases(k, lower) !== 0);
    if (elsewhere) return { unknown: `${elsewhere} plugin '${name}' ${tables.describeReleases(tables.pluginReleases(elsewhere, lower))}; not in ${tables.label}` };
    const guess = didYouMean(lower, FLUENT_BIT_KINDS.flatMap((k) => tables.pluginNames(k)));
    return { unknown: `${tables.label} has no ${kind ? `${kind} ` : ''}plugin '${name}'${guess ? `; did you mean '${guess}'?` : ''}` };
  }
  const core = found === 'input' || found === 'filter' || found === 'output' ? (found as CoreKind) : undefined;
  const note = tables.checksKeys(found, lower) ? undefined : 'This plugin has no config map in this release: Fluent Bit accepts any key for it.';
  return {
    found: {
      title: `${found} plugin '${tables.canonical(found, lower)}' in ${tables.label}`,
      keys: tables.pluginKeys(found, lower),
      ...(core ? { common: tables.commonKeys(core) } : {}),
      ...(note ? { note } : {}),
    },
  };
}

function row(k: KeyInfo): string[] {
  return [k.type === 'str_prefix' ? `${k.key}*` : k.key, k.type, k.defaultText ?? '', k.multiple ? 'yes' : ''];
}

/** The topic as text (aligned columns) or Markdown (a table). */
export function renderVersionTopic(topic: NonNullable<Extract<VersionTopic, { found: unknown }>['found']>, markdown: boolean): string {
  const head = ['key', 'type', 'default', 'repeat'];
  const rows = topic.keys.keys.map(row);
  const out: string[] = [];
  if (markdown) {
    out.push(`## ${topic.title}`, '');
    if (topic.note) out.push(topic.note, '');
    out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c, i) => (c === '' || i > 1 ? c : `\`${c}\``)).join(' | ')} |`));
  } else {
    out.push(topic.title);
    if (topic.note) out.push(topic.note);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: readonly string[]) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
    out.push('', line(head), ...rows.map(line));
  }
  if (topic.common) {
    const names = topic.common.keys.map((k) => k.key).join(', ');
    out.push('', markdown ? `Keys every plugin of this kind takes: ${names}.` : `keys every plugin of this kind takes: ${names}`);
  }
  return `${out.join('\n')}\n`;
}
