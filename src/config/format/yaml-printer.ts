import { Document, parseDocument } from 'yaml';
import type { Span } from '../../diagnostics/diagnostic.js';
import type { Entry, Section } from '../document/model.js';
import { splitRuleTokens } from '../sections/multiline-parser.js';
import { yamlKeyFor } from '../yaml/keys.js';
import type { ConfigModel } from './collect.js';

/** Reports something the YAML output cannot carry exactly. */
export type Note = (message: string, span: Span | undefined, hint?: string) => void;

type YamlMap = Map<string, unknown>;

const PIPELINE: readonly [string, string][] = [
  ['input', 'inputs'],
  ['filter', 'filters'],
  ['output', 'outputs'],
];

/**
 * Writes a ConfigModel as one Fluent Bit YAML file: `env`, `service`, `parsers`,
 * `multiline_parsers`, `pipeline`, `plugins`, `customs`. Repeated keys become lists (placed where
 * the key first appears); classic `rule` lines become `rules` maps; keys are written so that
 * Fluent Bit's key translation gives back the same key. Every value is written as text (the
 * failsafe schema quotes only what YAML syntax needs).
 */
export function printYaml(model: ConfigModel, note: Note): string {
  const root: YamlMap = new Map();
  if (model.variables.length > 0) root.set('env', new Map(model.variables.map((v) => [v.name, v.value])));
  if (model.service.length > 0) root.set('service', serviceMap(model.service, note));
  const parsers = model.parsers.filter((s) => s.kind === 'parser').map((s) => sectionMap(s, note));
  if (parsers.length > 0) root.set('parsers', parsers);
  const multiline = model.parsers.filter((s) => s.kind === 'multiline_parser').map((s) => sectionMap(s, note));
  if (multiline.length > 0) root.set('multiline_parsers', multiline);
  const pipeline: YamlMap = new Map();
  for (const [kind, group] of PIPELINE) {
    const items = model.sections.filter((s) => s.kind === kind).map((s) => sectionMap(s, note));
    if (items.length > 0) pipeline.set(group, items);
  }
  if (pipeline.size > 0) root.set('pipeline', pipeline);
  const plugins = model.sections.filter((s) => s.kind === 'plugins').flatMap((s) => s.entries.filter((e) => e.key.toLowerCase() === 'path').map((e) => e.value));
  if (plugins.length > 0) root.set('plugins', plugins);
  const customs = model.sections.filter((s) => s.kind === 'custom').map((s) => sectionMap(s, note));
  if (customs.length > 0) root.set('customs', customs);
  if (root.size === 0) return '';
  return new Document(root, { schema: 'failsafe' }).toString({ lineWidth: 0 });
}

/** The service map: one value per key, the last one (Fluent Bit applies them in order). */
function serviceMap(entries: readonly Entry[], note: Note): YamlMap {
  const map: YamlMap = new Map();
  const keys = new Map<string, string>();
  for (const e of entries) {
    const lower = e.key.toLowerCase();
    const key = keys.get(lower) ?? yamlKeyFor(e.key);
    if (keys.has(lower) && (lower === 'plugins_file' || lower === 'streams_file')) {
      note(`${e.key} is set more than once; a YAML service takes one value, so only the last is kept`, e.keySpan);
    }
    keys.set(lower, key);
    map.set(key, e.value);
  }
  return map;
}

/** One section as a YAML map, repeated keys as lists, in the order keys first appear. */
function sectionMap(section: Section, note: Note): YamlMap {
  const processors = section.format === 'yaml' && section.header.startsWith('processors.');
  const groups = new Map<string, { key: string; entries: Entry[] }>();
  for (const e of section.entries) {
    // Multiline rules are written as the `rules` list, where the first rule stands.
    const lower = section.kind === 'multiline_parser' && e.key.toLowerCase() === 'rule' ? 'rules' : e.key.toLowerCase();
    const group = groups.get(lower) ?? { key: lower === 'rules' ? 'rules' : processors ? e.key : yamlKeyFor(e.key), entries: [] };
    group.entries.push(e);
    groups.set(lower, group);
  }
  noteReordering(section, note);
  const map: YamlMap = new Map();
  for (const [lower, { key, entries }] of groups) {
    if (lower === 'rules') {
      map.set('rules', entries.flatMap((e) => ruleMap(e, note)));
    } else if (entries.length === 1) {
      map.set(key, valueOf(entries[0]!));
    } else {
      map.set(key, entries.map(valueOf));
    }
  }
  const children = section.children ?? [];
  if (children.length > 0) {
    const bySignal: YamlMap = new Map();
    for (const child of children) {
      const signal = child.header.slice('processors.'.length);
      const list = (bySignal.get(signal) as YamlMap[] | undefined) ?? [];
      list.push(sectionMap(child, note));
      bySignal.set(signal, list);
    }
    map.set('processors', bySignal);
  }
  return map;
}

/** A nested YAML value (processors) is written back as YAML; anything else as text. */
function valueOf(e: Entry): unknown {
  return e.nested ? parseDocument(e.value, { schema: 'failsafe' }).contents : e.value;
}

/** A classic `rule` text as a YAML `{state, regex, next_state}` map. */
function ruleMap(e: Entry, note: Note): YamlMap[] {
  const [state, regex, next] = splitRuleTokens(e.value, 3).tokens;
  if (state === undefined || regex === undefined) {
    note(`the multiline rule '${e.value}' has no regex; it is not converted`, e.span);
    return [];
  }
  const map: YamlMap = new Map([
    ['state', state],
    ['regex', regex],
  ]);
  if (next === undefined) {
    note(`the multiline rule '${e.value}' has no next state, which a YAML rule needs`, e.span, "Fluent Bit stops with \"invalid 'next_state' key\": add next_state");
  } else {
    map.set('next_state', next);
  }
  return [map];
}

/**
 * Grouping a repeated key into a list moves its later values up to where it first appears. Says so
 * when that changes the order against other keys of a filter (grep, modify, nest and
 * record_modifier apply their rules in the order of the keys).
 */
function noteReordering(section: Section, note: Note): void {
  if (section.kind !== 'filter') return;
  const entries = section.entries;
  const moved = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const key = entries[i]!.key.toLowerCase();
    const last = entries.findLastIndex((e) => e.key.toLowerCase() === key);
    for (let j = i + 1; j < last; j++) {
      const other = entries[j]!.key.toLowerCase();
      if (other !== key) moved.add(entries[last]!.key);
    }
  }
  if (moved.size === 0) return;
  note(
    `repeated ${[...moved].map((k) => `'${k}'`).join(', ')} ${moved.size === 1 ? 'becomes a list' : 'become lists'}, so ${moved.size === 1 ? 'its values move' : 'their values move'} ahead of keys written between them`,
    section.span,
    'Fluent Bit applies the items of a YAML list together; check that the new order of rules is what you want',
  );
}
