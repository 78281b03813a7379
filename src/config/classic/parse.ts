import { makeDiagnostic, type Diagnostic, type Span } from '../../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../../diagnostics/codes.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { Entry, ParsedFile, Section, Variable } from '../document/model.js';
import { SECTION_NAMES, sectionKind } from '../document/sections.js';
import { parse as parseGrammar } from './generated/parser.js';

/** Line nodes produced by grammar/fluentbit.peggy. */
type LineNode =
  | { type: 'header'; name: string | null; span: Span; nameSpan: Span }
  | { type: 'damage'; span: Span }
  | { type: 'entry'; key: string; value: string; group: boolean; span: Span; keySpan: Span; valueSpan: Span }
  | { type: 'include'; path: string; span: Span; pathSpan: Span }
  | { type: 'meta'; name: string; value: string; span: Span; nameSpan: Span; valueSpan: Span };

interface GrammarResult {
  nodes: LineNode[];
  diagnostics: { code: DiagnosticCode; message: string; span: Span; hint?: string }[];
}

export interface ClassicParseResult {
  file: ParsedFile;
  diagnostics: Diagnostic[];
}

/** Parses one classic `.conf` file. Never throws: problems are returned as diagnostics. */
export function parseClassic(fileName: string, text: string): ClassicParseResult {
  const result = parseGrammar(text, { file: fileName, grammarSource: fileName }) as GrammarResult;
  const diagnostics: Diagnostic[] = result.diagnostics.map((d) => makeDiagnostic(d));
  const sections: Section[] = [];
  const variables: Variable[] = [];
  const includes: ParsedFile['includes'] = [];
  let current: Section | undefined;
  const report = (code: DiagnosticCode, message: string, span: Span, hint?: string) =>
    diagnostics.push(makeDiagnostic({ code, message, span, hint }));

  const closeSection = () => {
    if (current && current.entries.length === 0 && !current.damaged) {
      report('empty-section', `section [${current.header}] has no keys`, current.span, 'Fluent Bit warns "previous section did not have keys"');
    }
  };

  for (const node of result.nodes) {
    switch (node.type) {
      case 'header': {
        closeSection();
        if (node.name === null) {
          // A broken header (already reported): swallow its keys without further reports.
          current = { kind: undefined, header: '', span: node.span, entries: [], damaged: true };
          break;
        }
        const kind = sectionKind(node.name);
        current = { kind, header: node.name, span: node.span, entries: [] };
        sections.push(current);
        if (kind === undefined) reportUnknownSection(node.name, node.nameSpan, report);
        break;
      }
      case 'damage':
        if (current) current.damaged = true;
        break;
      case 'entry': {
        if (!current) {
          report('syntax-error', `key '${node.key}' is outside of any section`, node.span, 'put it under a [SECTION] header');
          break;
        }
        const entry: Entry = { key: node.key, value: node.value, span: node.span, keySpan: node.keySpan, valueSpan: node.valueSpan };
        current.entries.push(entry);
        break;
      }
      case 'include':
        includes.push({ path: node.path, span: node.pathSpan });
        break;
      case 'meta': {
        if (node.name.toUpperCase() !== 'SET') {
          report('syntax-error', `unknown command '@${node.name}'`, node.nameSpan, 'Fluent Bit knows @INCLUDE <file> and @SET NAME=VALUE');
          break;
        }
        const eq = node.value.indexOf('=');
        if (eq <= 0) {
          report('syntax-error', '@SET needs NAME=VALUE', node.span.start.line === node.valueSpan.start.line ? node.span : node.span);
          break;
        }
        variables.push({ name: node.value.slice(0, eq).trim(), value: node.value.slice(eq + 1).trim(), span: node.valueSpan });
        break;
      }
    }
  }
  closeSection();
  return { file: { file: fileName, sections, variables, includes }, diagnostics };
}

function reportUnknownSection(
  name: string,
  span: Span,
  report: (code: DiagnosticCode, message: string, span: Span, hint?: string) => void,
): void {
  const lower = name.trim().toLowerCase();
  const singular = lower.endsWith('s') ? lower.slice(0, -1) : undefined;
  let hint: string | undefined;
  if (singular && sectionKind(singular) && singular !== 'plugin') {
    hint = `use [${singular.toUpperCase()}]: Fluent Bit accepts [${name}] but does not configure it, so its plugins never run`;
  } else {
    const guess = didYouMean(lower, SECTION_NAMES);
    if (guess) hint = `did you mean [${guess.toUpperCase()}]?`;
  }
  report('unknown-section', `unknown section [${name}]; Fluent Bit ignores it`, span, hint);
}

