import type { Diagnostic, Span } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { OptionTable } from '../../options/spec.js';
import { BUILTIN_MULTILINE_PARSERS } from '../../parsers/builtins.js';
import type { Section } from '../document/model.js';
import type { Interpreted } from './interpret.js';
import type { MultilineParserPlan, ParserPlan } from './types.js';

/** Reports values of `references` options that name no parser / multiline parser. */
export function checkReferences(
  table: OptionTable,
  section: Section,
  interpreted: Interpreted,
  parsers: ReadonlyMap<string, ParserPlan>,
  multiline: ReadonlyMap<string, MultilineParserPlan>,
  report: (d: Diagnostic) => void,
): void {
  const yaml = section.format === 'yaml';
  for (const entry of interpreted.entries) {
    const spec = table[entry.key];
    if (!spec?.references) continue;
    const names = Array.isArray(entry.value) ? (entry.value as unknown[]) : [entry.value];
    for (const raw of names) {
      if (typeof raw !== 'string') continue;
      const span = findValueSpan(section, entry.span, raw);
      if (spec.references === 'parser') {
        if (parsers.has(raw)) continue;
        const guess = didYouMean(raw, parsers.keys());
        report(
          makeDiagnostic({
            code: 'unknown-parser',
            message: `parser '${raw}' is not defined${spec.ifUndefined ? `; ${spec.ifUndefined}` : ''}`,
            ...(spec.ifUndefined ? { severity: 'warning' as const } : {}),
            span,
            hint: guess
              ? `did you mean '${guess}'?`
              : parsers.size === 0
                ? yaml
                  ? 'no parsers are loaded: define it under parsers: or name its file in service.parsers_file'
                  : 'no parsers are loaded: set [SERVICE] Parsers_File to the file that defines it'
                : yaml
                  ? 'define it under parsers: or in a parsers_file (names are case-sensitive)'
                  : 'define it in a [PARSER] section of a Parsers_File (names are case-sensitive)',
          }),
        );
      } else {
        if (multiline.has(raw.toLowerCase())) continue;
        const guess = didYouMean(raw, multiline.keys());
        const others = yaml ? 'others need a multiline_parsers entry' : 'others need a [MULTILINE_PARSER] in a Parsers_File';
        report(
          makeDiagnostic({
            code: 'unknown-parser',
            message: `multiline parser '${raw}' is not defined`,
            span,
            hint: guess ? `did you mean '${guess}'?` : `built-in multiline parsers are ${BUILTIN_MULTILINE_PARSERS.join(', ')}; ${others}`,
          }),
        );
      }
    }
  }
}

/**
 * Narrows an entry span to one name inside a comma list, when the value span holds exactly the
 * value's characters on one line (always for classic; for YAML when the value has no escapes).
 */
function findValueSpan(section: Section, entrySpan: Span, name: string): Span {
  const entry = section.entries.find((e) => e.span.start.offset === entrySpan.start.offset);
  if (!entry) return entrySpan;
  const idx = entry.value.indexOf(name);
  const v = entry.valueSpan;
  if (idx < 0 || v.start.line !== v.end.line || v.end.offset - v.start.offset !== entry.value.length) return v;
  const start = { ...v.start, column: v.start.column + idx, offset: v.start.offset + idx };
  const end = { ...start, column: start.column + name.length, offset: start.offset + name.length };
  return { file: v.file, start, end };
}
