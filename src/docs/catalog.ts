/**
 * Everything `logferry explain` and `logferry schema` describe, found by name: the [SERVICE],
 * [PARSER] and [MULTILINE_PARSER] section tables, every plugin with an options table, and the
 * Fluent Bit plugins logferry knows by name only.
 */
import { didYouMean } from '../diagnostics/did-you-mean.js';
import type { PluginDefinition, PluginKind, SectionDefinition } from '../options/define.js';
import { FILTER_COMMON, INPUT_COMMON, OUTPUT_COMMON } from '../options/common.js';
import type { OptionTable } from '../options/spec.js';
import { PLUGINS, PLUGIN_ALIASES, UNSUPPORTED_PLUGINS } from '../plugins/registry.js';
import { PROCESSOR_NAMES, findProcessor } from '../plugins/processors/index.js';
import multilineParserSection from '../config/sections/multiline-parser.js';
import parserSection from '../config/sections/parser.js';
import serviceSection from '../config/sections/service.js';

export const PLUGIN_KINDS: readonly PluginKind[] = ['input', 'filter', 'output'];

export const COMMON_OPTIONS: Readonly<Record<PluginKind, OptionTable>> = { input: INPUT_COMMON, filter: FILTER_COMMON, output: OUTPUT_COMMON };

/** The non-plugin sections, by the name `explain` takes and the header Fluent Bit reads. */
export const SECTIONS: readonly { readonly name: string; readonly header: string; readonly definition: SectionDefinition }[] = [
  { name: 'service', header: 'SERVICE', definition: serviceSection },
  { name: 'parser', header: 'PARSER', definition: parserSection },
  { name: 'multiline_parser', header: 'MULTILINE_PARSER', definition: multilineParserSection },
];

export type PluginTopic =
  | { readonly type: 'plugin'; readonly kind: PluginKind; readonly definition: PluginDefinition }
  | { readonly type: 'unsupported'; readonly kind: PluginKind; readonly name: string; readonly description: string };

export type Topic = { readonly type: 'section'; readonly name: string; readonly header: string; readonly definition: SectionDefinition } | PluginTopic;

export type Lookup =
  | { readonly found: Topic }
  | { readonly ambiguous: readonly PluginKind[] }
  | { readonly unknown: true; readonly suggestion: string | undefined };

function pluginTopics(name: string, kinds: readonly PluginKind[]): PluginTopic[] {
  const topics: PluginTopic[] = [];
  for (const kind of kinds) {
    const target = PLUGIN_ALIASES[kind][name] ?? name;
    // Native processors (YAML processors only) are described with the filters, whose shape they have.
    const definition = PLUGINS.find((p) => p.kind === kind && p.name === target) ?? (kind === 'filter' ? findProcessor(target) : undefined);
    const unsupported = UNSUPPORTED_PLUGINS[kind][name];
    if (definition) topics.push({ type: 'plugin', kind, definition });
    else if (unsupported !== undefined) topics.push({ type: 'unsupported', kind, name, description: unsupported });
  }
  return topics;
}

/**
 * Finds what a name describes. Without a kind, a section name wins (`parser` is the [PARSER]
 * section; the parser filter is `--kind filter`), then a plugin name of exactly one kind.
 */
export function lookupTopic(name: string, kind?: PluginKind): Lookup {
  const n = name.trim().toLowerCase();
  if (kind === undefined) {
    const section = SECTIONS.find((s) => s.name === n || s.header.toLowerCase() === n);
    if (section) return { found: { type: 'section', ...section } };
  }
  const topics = pluginTopics(n, kind ? [kind] : PLUGIN_KINDS);
  if (topics.length === 1) return { found: topics[0]! };
  if (topics.length > 1) return { ambiguous: topics.map((t) => t.kind) };
  return { unknown: true, suggestion: didYouMean(n, allNames(kind)) };
}

function allNames(kind?: PluginKind): string[] {
  const kinds = kind ? [kind] : PLUGIN_KINDS;
  const names = kinds.flatMap((k) => [...PLUGINS.filter((p) => p.kind === k).map((p) => p.name), ...Object.keys(UNSUPPORTED_PLUGINS[k]), ...(k === 'filter' ? PROCESSOR_NAMES : [])]);
  return kind ? names : [...SECTIONS.map((s) => s.name), ...names];
}

/** Every topic, in the order of the generated docs: sections, then plugins by kind and name. */
export function allTopics(): Topic[] {
  const topics: Topic[] = SECTIONS.map((s) => ({ type: 'section', ...s }));
  for (const kind of PLUGIN_KINDS) {
    const names = [...new Set([...PLUGINS.filter((p) => p.kind === kind).map((p) => p.name), ...Object.keys(UNSUPPORTED_PLUGINS[kind]), ...(kind === 'filter' ? PROCESSOR_NAMES : [])])].sort();
    for (const name of names) topics.push(...pluginTopics(name, [kind]));
  }
  return topics;
}
