import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/config/yaml/parse.js';

/** Text made of YAML's structural characters, so that the parser meets every kind of mistake. */
const yamlish = fc
  .array(fc.constantFrom('pipeline:', 'inputs:', '\n', '  ', '- ', 'name: ', 'tail', '{', '}', '[', ']', ',', '"', "'", '&a ', '*a', '#', '|', '>', '? ', ': ', '\t', '---\n', 'processors:', 'logs:', 'rules:', '${X}', '!!int ', '%YAML 1.2\n'), { maxLength: 40 })
  .map((parts) => parts.join(''));

/** Any JSON-like value written as YAML: shapes Fluent Bit accepts and many it does not. */
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.boolean(), fc.integer(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('pipeline', 'inputs', 'filters', 'outputs', 'service', 'env', 'includes', 'name', 'processors', 'logs', 'parsers', 'multiline_parsers', 'rules', 'state', 'regex', 'next_state', 'memBufLimit'), tie('node'), { maxKeys: 4 })),
})).node;

describe('YAML reader', () => {
  it('never throws, and every diagnostic has a position in the file', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), yamlish, tree.map((t) => stringify(t))), (text) => {
        const { diagnostics, file } = parseYaml('p.yaml', text);
        for (const d of diagnostics) {
          expect(d.file).toBe('p.yaml');
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
        }
        for (const s of file.sections) for (const e of s.entries) expect(typeof e.value).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});
