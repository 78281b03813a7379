import { describe, expect, it } from 'vitest';
import { camelCase, translateKey, yamlKeyFor } from '../../../src/config/yaml/keys.js';
import { parseYaml } from '../../../src/config/yaml/parse.js';
import { ruleToken } from '../../../src/config/yaml/rules.js';
import { splitRuleTokens } from '../../../src/config/sections/multiline-parser.js';

const read = (text: string) => parseYaml('f.yaml', text);
const codes = (text: string) => read(text).diagnostics.map((d) => [d.code, d.line, d.column]);

describe('key translation (flb_cf_key_translate)', () => {
  it('turns lowercase-initial keys without _ from camelCase into snake_case, lowercases those with _, keeps the rest', () => {
    expect(translateKey('memBufLimit')).toBe('mem_buf_limit');
    expect(translateKey('logGroupName')).toBe('log_group_name');
    expect(translateKey('multiline.parser')).toBe('multiline.parser');
    expect(translateKey('mem_Buf_limit')).toBe('mem_buf_limit');
    expect(translateKey('Mem_Buf_Limit')).toBe('Mem_Buf_Limit');
    expect(translateKey('DB.sync')).toBe('DB.sync');
    expect(translateKey('dB.locking')).toBe('d_b.locking');
    expect(translateKey('  name ')).toBe('name');
  });

  it('writes keys back so that translation gives the same key, and suggests camelCase', () => {
    expect(yamlKeyFor('Mem_Buf_Limit')).toBe('Mem_Buf_Limit');
    expect(yamlKeyFor('dB.locking')).toBe('db.locking');
    expect(yamlKeyFor('multiline.parser')).toBe('multiline.parser');
    expect(camelCase('mem_buf_limit')).toBe('memBufLimit');
  });
});

describe('YAML reader: document shapes', () => {
  it('reads service, pipeline sections, env and includes with 1-based spans into the YAML file', () => {
    const { file, diagnostics } = read(
      'env:\n  REGION: us-east-1\nincludes:\n  - a.yaml\nservice:\n  flush: 1\npipeline:\n  inputs:\n    - name: dummy\n      tag: app\n  outputs:\n    - name: stdout\n      match: "*"\n',
    );
    expect(diagnostics).toEqual([]);
    expect(file.format).toBe('yaml');
    expect(file.variables).toMatchObject([{ name: 'REGION', value: 'us-east-1', span: { start: { line: 2, column: 11 } } }]);
    expect(file.includes).toMatchObject([{ path: 'a.yaml', span: { start: { line: 4, column: 5 }, end: { line: 4, column: 11 } } }]);
    expect(file.sections.map((s) => [s.kind, s.header, s.span.start.line])).toEqual([
      ['service', 'service', 5],
      ['input', 'pipeline.inputs', 9],
      ['output', 'pipeline.outputs', 12],
    ]);
    const match = file.sections[2]!.entries[1]!;
    expect(match).toMatchObject({ key: 'match', value: '*' });
    // The value span of a quoted value is inside the quotes.
    expect(match.valueSpan.start).toEqual({ line: 13, column: 15, offset: match.valueSpan.start.offset });
    expect(match.valueSpan.end.column - match.valueSpan.start.column).toBe(1);
    expect(match.keySpan.start.column).toBe(7);
  });

  it('keeps every scalar as the text written: on, true, 5, 5.0, ~ and null are not typed', () => {
    const { file } = read('service:\n  a: on\n  b: true\n  c: 5\n  d: 5.0\n  e: ~\n  f: null\n  g: "quoted # not a comment"\n  h: plain # comment\n  i:\n');
    expect(file.sections[0]!.entries.map((e) => [e.key, e.value])).toEqual([
      ['a', 'on'],
      ['b', 'true'],
      ['c', '5'],
      ['d', '5.0'],
      ['e', '~'],
      ['f', 'null'],
      ['g', 'quoted # not a comment'],
      ['h', 'plain'],
      ['i', ''],
    ]);
  });

  it('translates keys, remembering the written key', () => {
    const entry = read('pipeline:\n  inputs:\n    - name: tail\n      memBufLimit: 5MB\n').file.sections[0]!.entries[1]!;
    expect(entry).toMatchObject({ key: 'mem_buf_limit', writtenKey: 'memBufLimit', value: '5MB' });
  });

  it('reads a list as the key repeated, each item with its own span and the list span', () => {
    const entries = read('pipeline:\n  inputs:\n    - name: tail\n      multiline.parser: [docker, cri]\n').file.sections[0]!.entries;
    expect(entries.slice(1).map((e) => [e.key, e.value, e.valueSpan.start.column, e.listSpan?.start.column])).toEqual([
      ['multiline.parser', 'docker', 26, 25],
      ['multiline.parser', 'cri', 34, 25],
    ]);
  });

  it('reports a map where a value is expected, and a list where only one value is allowed', () => {
    expect(codes('pipeline:\n  inputs:\n    - name: tail\n      path:\n        a: b\n')).toEqual([['invalid-value', 5, 9]]);
    expect(codes('service:\n  flush: [1, 2]\n')).toEqual([['invalid-value', 2, 10]]);
    expect(codes('parsers:\n  - name: a\n    format: [json]\n')).toEqual([['invalid-value', 3, 13]]);
    expect(codes('pipeline:\n  inputs:\n    - name: tail\n      path: [{a: b}]\n')).toEqual([['invalid-value', 4, 14]]);
  });

  it('reports shapes Fluent Bit rejects: non-map top level, non-list pipeline groups, items that are not maps', () => {
    expect(codes('- a\n- b\n')).toEqual([['syntax-error', 1, 1]]);
    expect(codes('pipeline:\n  inputs:\n    name: tail\n')).toEqual([['invalid-value', 3, 5]]);
    expect(codes('pipeline:\n  inputs:\n    - tail\n')).toEqual([['invalid-value', 3, 7]]);
    expect(codes('includes: a.yaml\n')).toEqual([['invalid-value', 1, 11]]);
    expect(codes('env: [1]\n')).toEqual([['invalid-value', 1, 7]]);
  });

  it('reports unknown top-level keys and pipeline groups with a suggestion', () => {
    const { diagnostics } = read('pipline:\n  inputs: []\npipeline:\n  input: []\n');
    expect(diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([
      ['unknown-section', 1, "did you mean 'pipeline'?"],
      ['unknown-section', 4, "did you mean 'inputs'?"],
    ]);
  });

  it('matches top-level keys case-insensitively, like strcasecmp', () => {
    const { file, diagnostics } = read('Pipeline:\n  Inputs:\n    - name: dummy\n');
    expect(diagnostics).toEqual([]);
    expect(file.sections.map((s) => s.kind)).toEqual(['input']);
  });

  it('reports a second service map in one file', () => {
    expect(codes('service:\n  flush: 1\nservice:\n  grace: 2\n')).toEqual([['duplicate-key', 3, 1]]);
  });

  it('reads env as a map or as a list of {name, value}', () => {
    expect(read('env:\n  A: 1\n  B: two\n').file.variables.map((v) => [v.name, v.value])).toEqual([
      ['A', '1'],
      ['B', 'two'],
    ]);
    expect(read('env:\n  - name: A\n    value: 1\n').file.variables.map((v) => [v.name, v.value])).toEqual([['A', '1']]);
    const uri = read('env:\n  - name: A\n    uri: file:///etc/a\n');
    expect(uri.file.variables).toEqual([]);
    expect(uri.diagnostics.map((d) => [d.code, d.line])).toEqual([['unsupported-key', 3]]);
  });

  it('makes customs, plugins, upstream servers and stream processors sections that the plan reports as unsupported', () => {
    const { file, diagnostics } = read('customs:\n  - name: calyptia\nplugins:\n  - /a.so\n  - /b.so\nupstream_servers:\n  - name: up\nstream_processor:\n  - name: sp\n');
    expect(diagnostics).toEqual([]);
    expect(file.sections.map((s) => [s.kind, s.entries.map((e) => `${e.key}=${e.value}`)])).toEqual([
      ['custom', ['name=calyptia']],
      ['plugins', ['path=/a.so', 'path=/b.so']],
      ['upstream', []],
      ['stream_processor', []],
    ]);
  });

  it('turns YAML syntax errors into syntax-error diagnostics with positions and never throws', () => {
    const { diagnostics } = read('pipeline:\n  inputs:\n    - name: tail\n     tag: x\n');
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['syntax-error', 4]]);
    expect(read('a: "unclosed\n').diagnostics[0]?.code).toBe('syntax-error');
    expect(read('a: [1, 2\n').diagnostics[0]?.code).toBe('syntax-error');
    expect(read('\t- x').diagnostics.length).toBeGreaterThan(0);
  });

  it('rejects aliases, which Fluent Bit does not read, but accepts anchors', () => {
    const { diagnostics, file } = read('pipeline:\n  inputs:\n    - name: dummy\n      tag: &t app\n  outputs:\n    - name: stdout\n      match: *t\n');
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['syntax-error', 7, 14]]);
    expect(file.sections[0]!.entries[1]!.value).toBe('app');
  });

  it('reads every document of a multi-document file, like libyaml', () => {
    const { file } = read('pipeline:\n  inputs:\n    - name: dummy\n---\npipeline:\n  outputs:\n    - name: stdout\n');
    expect(file.sections.map((s) => s.kind)).toEqual(['input', 'output']);
  });

  it('reads an empty file and an empty document as nothing', () => {
    expect(read('')).toMatchObject({ diagnostics: [], file: { sections: [] } });
    expect(read('# only a comment\n')).toMatchObject({ diagnostics: [], file: { sections: [] } });
  });
});

describe('YAML reader: multiline parser rules', () => {
  const text = [
    'multiline_parsers:',
    '  - name: ml',
    '    type: regex',
    '    rules:',
    '      - state: start_state',
    '        regex: \'/^\\d{4} "x" y/\'',
    '        next_state: cont',
    '      - {state: "cont, start_state", regex: /^\\s+at/, nextState: cont}',
    '',
  ].join('\n');

  it('turns each rule map into the classic rule text, spanning the map, with the regex as value span', () => {
    const { file, diagnostics } = read(text);
    expect(diagnostics).toEqual([]);
    const rules = file.sections[0]!.entries.filter((e) => e.key === 'rule');
    expect(rules).toHaveLength(2);
    expect(splitRuleTokens(rules[0]!.value).tokens).toEqual(['start_state', '/^\\d{4} "x" y/', 'cont']);
    expect(splitRuleTokens(rules[1]!.value).tokens).toEqual(['cont, start_state', '/^\\s+at/', 'cont']);
    expect(rules[0]!.span.start).toMatchObject({ line: 5, column: 9 });
    expect(rules[0]!.valueSpan.start).toMatchObject({ line: 6, column: 17 });
  });

  it('puts the rules list before any classic-style rule key, as Fluent Bit applies them', () => {
    const { file } = read('multiline_parsers:\n  - name: ml\n    rule: \'"cont" "/b/" "cont"\'\n    type: regex\n    rules:\n      - {state: start_state, regex: /a/, next_state: cont}\n');
    expect(file.sections[0]!.entries.map((e) => (e.key === 'rule' ? splitRuleTokens(e.value).tokens[0] : e.key))).toEqual(['name', 'start_state', 'cont', 'type']);
  });

  it('requires state, regex and next_state, and warns about other keys', () => {
    const { diagnostics } = read('multiline_parsers:\n  - name: ml\n    type: regex\n    rules:\n      - state: start_state\n        regex: /a/\n        next: cont\n');
    expect(diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['unknown-key', 'warning', 7],
      ['invalid-rule', 'error', 5],
    ]);
  });

  it('writes rule tokens that flb_slist_split_tokens reads back', () => {
    for (const t of ['start_state', '/a b/', '"quoted"', 'x"y', 'a\\"b', 'cont, start', '/^\\d+\\\\/']) {
      const token = ruleToken(t);
      expect(token).toBeDefined();
      expect(splitRuleTokens(`${token} next`).tokens[0]).toBe(t);
    }
    expect(ruleToken('a b\\')).toBeUndefined();
  });
});

describe('YAML reader: processors', () => {
  it('reads processors of an input as filter children, by signal, with keys as written', () => {
    const { file, diagnostics } = read(
      'pipeline:\n  inputs:\n    - name: dummy\n      processors:\n        logs:\n          - name: modify\n            Add: a b\n        metrics:\n          - name: labels\n            insert: [a b]\n',
    );
    expect(diagnostics).toEqual([]);
    const children = file.sections[0]!.children!;
    expect(children.map((c) => [c.kind, c.header, c.entries.map((e) => e.key)])).toEqual([
      ['filter', 'processors.logs', ['name', 'Add']],
      ['filter', 'processors.metrics', ['name', 'insert']],
    ]);
    expect(file.sections[0]!.entries.map((e) => e.key)).toEqual(['name']);
  });

  it('keeps nested processor values (a condition too) for the plan and reports unknown signals', () => {
    const { file, diagnostics } = read(
      'pipeline:\n  outputs:\n    - name: stdout\n      processors:\n        logz: []\n        logs:\n          - name: content_modifier\n            settings: {a: b}\n            condition:\n              op: and\n',
    );
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['unknown-key', 5]]);
    expect(file.sections[0]!.children![0]!.entries[1]).toMatchObject({ key: 'settings', nested: true, value: '{ a: b }' });
    expect(file.sections[0]!.children![0]!.entries[2]).toMatchObject({ key: 'condition', nested: true, value: 'op: and' });
  });

  it("keeps an input's routes as one nested entry; elsewhere a map under routes is an error", () => {
    const { file, diagnostics } = read(
      'pipeline:\n  inputs:\n    - name: dummy\n      routes:\n        logs:\n          - name: r\n            to: {outputs: [stdout]}\n  outputs:\n    - name: stdout\n      routes:\n        logs: []\n',
    );
    expect(file.sections[0]!.entries[1]).toMatchObject({ key: 'routes', nested: true });
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['invalid-value', 11]]);
  });
});
