import type { Span } from '../../diagnostics/diagnostic.js';
import type { Entry, ParsedFile, Section, SectionKind, Variable } from '../document/model.js';
import type { ConfigModel } from './collect.js';
import { printClassic } from './classic-printer.js';
import type { Note } from './yaml-printer.js';

const HEADERS: Partial<Record<SectionKind, string>> = {
  service: 'SERVICE',
  input: 'INPUT',
  filter: 'FILTER',
  output: 'OUTPUT',
  parser: 'PARSER',
  multiline_parser: 'MULTILINE_PARSER',
  custom: 'CUSTOM',
  plugins: 'PLUGINS',
};

export interface ClassicFiles {
  /** The main file. */
  readonly main: string;
  /** The parsers file its [SERVICE] Parsers_File names, when there are parsers. */
  readonly parsers: string | undefined;
}

/**
 * Writes a ConfigModel as classic text: `@SET` lines, [SERVICE], the pipeline sections, and the
 * parsers in a separate file (classic Fluent Bit reads [PARSER] and [MULTILINE_PARSER] only from a
 * Parsers_File), named in [SERVICE] as `parsersFile`. Lists are written as the key repeated; what
 * classic cannot hold (processors, multi-line or empty values) is left out with a note.
 */
export function printClassicModel(model: ConfigModel, parsersFile: string, note: Note): ClassicFiles {
  const main = new FileBuilder();
  for (const v of model.variables) main.variable(v, note);
  const service = [...model.service];
  if (model.parsers.length > 0) service.push(synthetic('Parsers_File', parsersFile));
  if (service.length > 0) main.section('service', service, note);
  for (const section of model.sections) {
    for (const child of section.children ?? []) {
      const name = child.entries.find((e) => e.key.toLowerCase() === 'name')?.value ?? '?';
      note(
        `processors have no classic form; ${child.header} processor '${name}' is not converted`,
        child.span,
        'the nearest classic equivalent is a [FILTER] whose Match selects the tag (it runs after routing, for every input)',
      );
    }
    main.section(section.kind!, section.entries, note);
  }
  let parsers: string | undefined;
  if (model.parsers.length > 0) {
    const file = new FileBuilder();
    for (const section of model.parsers) file.section(section.kind!, section.entries, note);
    parsers = printClassic(file.done());
  }
  return { main: printClassic(main.done()), parsers };
}

/** Builds a ParsedFile in writing order (the classic printer orders items by offset). */
class FileBuilder {
  private offset = 0;
  private readonly sections: Section[] = [];
  private readonly variables: Variable[] = [];

  variable(v: Variable, note: Note): void {
    if (/[=\s]/.test(v.name) || v.name === '' || /[\r\n]/.test(v.value)) {
      note(`variable '${v.name}' cannot be written as @SET NAME=VALUE; it is not converted`, v.span);
      return;
    }
    this.variables.push({ name: v.name, value: v.value.trim(), span: this.next() });
  }

  section(kind: SectionKind, entries: readonly Entry[], note: Note): void {
    const header = HEADERS[kind] ?? kind.toUpperCase();
    const kept: Entry[] = [];
    for (const e of entries) {
      if (e.nested && kind === 'input' && e.key.toLowerCase() === 'routes') {
        note(
          "conditional routes have no classic form; this input's 'routes' are not converted, so its records would go by the outputs' Match",
          e.span,
          'the nearest classic equivalent is a rewrite_tag [FILTER] that gives each kind of record a tag, and outputs that Match those tags',
        );
        continue;
      }
      const problem = classicProblem(e);
      if (problem) {
        note(`'${e.writtenKey ?? e.key}' ${problem}; classic lines cannot hold it, so it is not converted`, e.span);
        continue;
      }
      kept.push({ ...e, key: e.key.trim(), value: e.value.trim() });
    }
    this.sections.push({ kind, header, span: this.next(), entries: kept });
  }

  done(): ParsedFile {
    return { file: '', sections: this.sections, variables: this.variables, includes: [] };
  }

  private next(): Span {
    const pos = { line: 1, column: 1, offset: this.offset++ };
    return { file: '', start: pos, end: pos };
  }
}

function classicProblem(e: Entry): string | undefined {
  if (e.nested) return 'has a nested value';
  if (/\s/.test(e.key.trim()) || e.key.trim() === '') return 'has a key with a space';
  if (/[\r\n]/.test(e.value.trim())) return 'has a value of several lines';
  if (e.value.trim() === '') return 'has an empty value (Fluent Bit treats it as not set)';
  return undefined;
}

function synthetic(key: string, value: string): Entry {
  const pos = { line: 1, column: 1, offset: 0 };
  const span: Span = { file: '', start: pos, end: pos };
  return { key, value, span, keySpan: span, valueSpan: span };
}
