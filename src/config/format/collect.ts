import type { Entry, Section, Variable } from '../document/model.js';
import type { LoadedConfig } from '../resolve/load.js';
import type { Note } from './yaml-printer.js';

/**
 * A whole configuration, includes inlined and parsers gathered, in the shape both printers write:
 * what `logferry convert` works on. Values are raw (`${VAR}` references are kept).
 */
export interface ConfigModel {
  /** `@SET` / `env` variables, one per name (the last value wins, as in Fluent Bit). */
  readonly variables: Variable[];
  /** The service entries of every service section, in order, without Parsers_File (parsers travel with the model). */
  readonly service: Entry[];
  /** Inputs, filters, outputs, customs and plugins, in Fluent Bit's order. */
  readonly sections: Section[];
  /** Every [PARSER] and [MULTILINE_PARSER]: from each Parsers_File, then those written in the configuration. */
  readonly parsers: Section[];
}

const CONVERTED = new Set(['input', 'filter', 'output', 'custom', 'plugins']);

/**
 * Gathers a loaded configuration into a ConfigModel: loads every Parsers_File (with `${VAR}`
 * expanded in its path, as Fluent Bit does), and reports what cannot be carried over.
 */
export function collectModel(config: LoadedConfig, note: Note): ConfigModel {
  const service: Entry[] = [];
  const parsers: Section[] = [];
  for (const section of config.sections.filter((s) => s.kind === 'service')) {
    for (const entry of section.entries) {
      if (entry.key.toLowerCase() !== 'parsers_file') {
        service.push(entry);
        continue;
      }
      const path = config.scope.expand(entry.value, entry.valueSpan, () => undefined);
      const loaded = config.loadExtra(path, entry.span, section.format === 'yaml' ? 'parsers_file' : 'Parsers_File');
      parsers.push(...(loaded ?? []).filter(isParser));
    }
  }
  parsers.push(...config.sections.filter(isParser));

  const sections: Section[] = [];
  for (const section of config.sections) {
    if (section.kind === 'service' || isParser(section)) continue;
    if (section.kind !== undefined && CONVERTED.has(section.kind)) {
      sections.push(section);
      continue;
    }
    note(
      section.kind === undefined
        ? `[${section.header}] is not converted: Fluent Bit ignores sections it does not know`
        : `${section.header} sections are not converted`,
      section.span,
    );
  }
  return { variables: lastValues(config.variables), service, sections, parsers };
}

function isParser(s: Section): boolean {
  return s.kind === 'parser' || s.kind === 'multiline_parser';
}

/** One variable per name, where it was first set, with the value set last. */
function lastValues(variables: readonly Variable[]): Variable[] {
  const byName = new Map<string, Variable>();
  for (const v of variables) {
    const first = byName.get(v.name);
    byName.set(v.name, first ? { ...first, value: v.value } : v);
  }
  return [...byName.values()];
}
