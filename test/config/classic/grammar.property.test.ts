import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClassic } from '../../../src/config/classic/parse.js';
import type { ParsedFile } from '../../../src/config/document/model.js';
import { printClassic } from '../../../src/config/format/classic-printer.js';

/** Characters that matter to the classic reader, weighted towards its syntax. */
const configChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'B', 'k', 'V', '_', '.', '1', '*', '/') },
  { weight: 4, arbitrary: fc.constantFrom(' ', ' ', '\t', '\n', '\n', '\r') },
  { weight: 2, arbitrary: fc.constantFrom('[', ']', '#', '@', '=', '$', '{', '}', '"', '\\') },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
);
const configText = fc.array(configChar, { maxLength: 300 }).map((cs) => cs.join(''));

/** Plausible configs: headers, key lines with varied indentation, meta lines, comments. */
const lineArb = fc.oneof(
  fc.constantFrom('[INPUT]', '[OUTPUT]', '[FILTER]', '[SERVICE]', '[PARSER]', '[Outputs]', '[x'),
  fc.tuple(fc.constantFrom('    ', '\t', '  ', '', '        '), fc.stringMatching(/^[A-Za-z_.]{1,8}$/), fc.constantFrom(' ', '  ', '\t', ''), fc.string({ maxLength: 12 })).map(
    ([i, k, sep, v]) => `${i}${k}${sep}${v.replace(/[\n]/g, '')}`,
  ),
  fc.constantFrom('@SET a=b', '@INCLUDE other.conf', '# comment', '    # indented', '', '   '),
);
const structuredText = fc
  .tuple(fc.array(lineArb, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'))
  .map(([lines, eol]) => lines.join(eol) + eol);

/** The document without source positions. */
function shape(file: ParsedFile) {
  return {
    sections: file.sections.map((s) => ({ kind: s.kind, header: s.header, entries: s.entries.map((e) => [e.key, e.value]) })),
    variables: file.variables.map((v) => [v.name, v.value]),
    includes: file.includes.map((i) => i.path),
  };
}

describe('classic grammar properties', () => {
  it('never throws on arbitrary input and reports with positions inside the text', () => {
    fc.assert(
      fc.property(fc.oneof(configText, structuredText, fc.string({ maxLength: 200, unit: 'binary' })), (text) => {
        const result = parseClassic('prop.conf', text);
        const lines = text.split('\n').length;
        for (const d of result.diagnostics) {
          expect(d.file).toBe('prop.conf');
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines);
          expect(d.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parse -> print -> parse gives the same document, and printing is then a fixed point', () => {
    fc.assert(
      fc.property(fc.oneof(structuredText, configText), (text) => {
        const first = parseClassic('a.conf', text).file;
        const printed = printClassic(first);
        const second = parseClassic('b.conf', printed);
        expect(shape(second.file)).toEqual(shape(first));
        expect(printClassic(second.file)).toBe(printed);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads CRLF files exactly like LF files', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 25 }), (lines) => {
        const lf = parseClassic('x.conf', lines.join('\n') + '\n');
        const crlf = parseClassic('x.conf', lines.join('\r\n') + '\r\n');
        expect(shape(crlf.file)).toEqual(shape(lf.file));
        expect(crlf.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual(lf.diagnostics.map((d) => [d.code, d.line, d.column]));
      }),
      { numRuns: 1000 },
    );
  });
});
