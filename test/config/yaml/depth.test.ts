import { describe, expect, it } from 'vitest';
import { findTooDeep, MAX_YAML_DEPTH } from '../../../src/config/yaml/depth.js';
import { parseYaml } from '../../../src/config/yaml/parse.js';

const flow = (n: number) => `pipeline:\n  inputs:\n    - name: dummy\n      tag: ${'['.repeat(n)}${']'.repeat(n)}\n`;
const block = (n: number) => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} v\n`;

describe('YAML nesting bound', () => {
  it('reports nesting past the bound where it happens, before the yaml library recurses', () => {
    // Four block levels (pipeline, inputs, the list, tag), then the 253rd bracket, in column 11 + 253.
    expect(findTooDeep(flow(MAX_YAML_DEPTH))).toMatchObject({ line: 4, column: 11 + MAX_YAML_DEPTH - 3 });
    expect(findTooDeep(block(MAX_YAML_DEPTH + 1))).toMatchObject({ line: MAX_YAML_DEPTH + 1 });
    const parsed = parseYaml('x.yaml', flow(10_000));
    expect(parsed.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([['syntax-error', 4, `YAML nested more than ${MAX_YAML_DEPTH} levels deep; logferry reads no further`]]);
  });

  it('does not count quoted brackets, comments, brackets inside plain scalars or block scalar lines', () => {
    const deepText = '['.repeat(MAX_YAML_DEPTH + 10);
    expect(findTooDeep(`a: "${deepText}"\nb: '${deepText}'\nc: x${deepText}\n# ${deepText}\n`)).toBeUndefined();
    expect(findTooDeep(`lua: |\n${Array.from({ length: 300 }, (_, i) => `  ${' '.repeat(i)}x`).join('\n')}\nafter: 1\n`)).toBeUndefined();
    expect(findTooDeep(flow(MAX_YAML_DEPTH - 10))).toBeUndefined();
  });
});
