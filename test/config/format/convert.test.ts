import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertConfig } from '../../../src/config/format/convert.js';
import { planToJson } from '../../../src/config/plan/to-json.js';
import { validateConfig } from '../../../src/config/validate.js';
import { useTempDir } from '../../support/temp-dir.js';

const tmp = useTempDir('logferry-convert-');
const write = (rel: string, text: string) => tmp.write(rel, text);
const env = { HOSTNAME: 'host' };
const convert = (rel: string, to: 'yaml' | 'classic') => convertConfig(join(tmp.path, rel), { to, env, cwd: tmp.path });
const notes = (r: ReturnType<typeof convert>) => r.diagnostics.map((d) => [d.code, d.line, d.message]);

describe('classic -> YAML', () => {
  it('inlines includes, turns @SET into env and repeated keys into lists, and inlines Parsers_File parsers', () => {
    write('conf/main.conf', '@SET REGION=eu-west-1\n[SERVICE]\n    Flush 1\n    Parsers_File parsers.conf\n\n@INCLUDE parts/in.conf\n');
    write('conf/parts/in.conf', '[INPUT]\n    Name tail\n    Path /var/log/*.log\n    multiline.parser docker\n    multiline.parser ml\n\n[OUTPUT]\n    Name  cloudwatch_logs\n    Match *\n    region ${REGION}\n    log_group_name g\n    log_stream_prefix p\n');
    write('conf/parsers.conf', '[PARSER]\n    Name json\n    Format json\n\n[MULTILINE_PARSER]\n    name ml\n    type regex\n    rule "start_state" "/^a b/" "cont"\n    rule cont /^\\s/ cont\n');
    const r = convert('conf/main.conf', 'yaml');
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe(
      [
        'env:',
        '  REGION: eu-west-1',
        'service:',
        '  Flush: 1',
        'parsers:',
        '  - Name: json',
        '    Format: json',
        'multiline_parsers:',
        '  - name: ml',
        '    type: regex',
        '    rules:',
        '      - state: start_state',
        '        regex: /^a b/',
        '        next_state: cont',
        '      - state: cont',
        '        regex: /^\\s/',
        '        next_state: cont',
        'pipeline:',
        '  inputs:',
        '    - Name: tail',
        '      Path: /var/log/*.log',
        '      multiline.parser:',
        '        - docker',
        '        - ml',
        '  outputs:',
        '    - Name: cloudwatch_logs',
        '      Match: "*"',
        '      region: ${REGION}',
        '      log_group_name: g',
        '      log_stream_prefix: p',
        '',
      ].join('\n'),
    );
    write('out/converted.yaml', r.text);
    const before = validateConfig(join(tmp.path, 'conf/main.conf'), { env, cwd: tmp.path });
    const after = validateConfig(join(tmp.path, 'out/converted.yaml'), { env, cwd: tmp.path });
    expect(after.diagnostics).toEqual([]);
    expect(after.plan.outputs[0]?.options['region']).toBe('eu-west-1');
    expect(planToJson(after.plan)).toMatchObject({ parsers: { json: {} }, multilineParsers: { ml: {} } });
    expect(after.plan.inputs[0]?.options['multiline.parser']).toEqual(before.plan.inputs[0]?.options['multiline.parser']);
  });

  it('writes keys that Fluent Bit translates back to the same key', () => {
    write('main.conf', '[INPUT]\n    Name dummy\n    dB.locking x\n');
    expect(convert('main.conf', 'yaml').text).toContain('db.locking: x');
  });

  it('keeps the last value of a variable set twice, and of a service key', () => {
    write('main.conf', '@SET A=1\n[SERVICE]\n    Flush 1\n    Flush 2\n@SET A=2\n');
    expect(convert('main.conf', 'yaml').text).toBe('env:\n  A: 2\nservice:\n  Flush: 2\n');
  });

  it('says when grouping repeated filter keys into lists changes their order', () => {
    write('main.conf', '[FILTER]\n    Name   modify\n    Match  *\n    Rename a b\n    Add    c d\n    Rename e f\n');
    const r = convert('main.conf', 'yaml');
    expect(notes(r)).toEqual([['lossy-conversion', 1, "repeated 'Rename' becomes a list, so its values move ahead of keys written between them"]]);
    expect(r.text).toContain('Rename:\n        - a b\n        - e f\n      Add: c d');
  });

  it('drops sections Fluent Bit ignores, and says so', () => {
    write('main.conf', '[INPUTS]\n    Name dummy\n\n[STREAM_PROCESSOR]\n    Name x\n');
    const r = convert('main.conf', 'yaml');
    expect(r.ok).toBe(true);
    expect(notes(r).map((n) => n[1])).toEqual([1, 4]);
    expect(r.text).toBe('');
  });

  it('notes a multiline rule without a next state, which YAML rules need', () => {
    write('main.conf', '[SERVICE]\n    Parsers_File p.conf\n');
    write('p.conf', '[MULTILINE_PARSER]\n    name ml\n    type regex\n    rule "start_state" "/a/"\n');
    const r = convert('main.conf', 'yaml');
    expect(r.diagnostics.map((d) => [d.code, d.file.endsWith('p.conf'), d.line])).toEqual([['lossy-conversion', true, 4]]);
    expect(r.text).toContain('- state: start_state\n        regex: /a/\n');
  });

  it('carries [PLUGINS] and [CUSTOM] over to plugins and customs', () => {
    write('main.conf', '[PLUGINS]\n    Path /a.so\n    Path /b.so\n\n[CUSTOM]\n    Name calyptia\n    api_key k\n');
    expect(convert('main.conf', 'yaml').text).toBe('plugins:\n  - /a.so\n  - /b.so\ncustoms:\n  - Name: calyptia\n    api_key: k\n');
  });

  it('converts nothing when the configuration cannot be read completely', () => {
    write('main.conf', '@INCLUDE missing.conf\n[INPUT]\n    Name dummy\n');
    const r = convert('main.conf', 'yaml');
    expect(r.ok).toBe(false);
    expect(r.text).toBe('');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['include-not-found']);
  });
});

describe('YAML -> classic', () => {
  it('writes lists as repeated keys, env as @SET, and parsers into the named parsers file', () => {
    write(
      'main.yaml',
      'env:\n  T: app\nservice:\n  flush: 1\nparsers:\n  - name: json\n    format: json\nmultiline_parsers:\n  - name: ml\n    type: regex\n    rules:\n      - {state: start_state, regex: "/a b/", next_state: start_state}\npipeline:\n  inputs:\n    - name: tail\n      memBufLimit: 5MB\n      path: /x\n      tag: ${T}\n      multiline.parser: [docker, ml]\n  outputs:\n    - name: stdout\n      match: "*"\n',
    );
    const r = convertConfig(join(tmp.path, 'main.yaml'), { to: 'classic', env, cwd: tmp.path, parsersFile: 'main-parsers.conf' });
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe(
      '@SET T=app\n\n[SERVICE]\n    flush 1\n    Parsers_File main-parsers.conf\n\n[INPUT]\n    name tail\n    mem_buf_limit 5MB\n    path /x\n    tag ${T}\n    multiline.parser docker\n    multiline.parser ml\n\n[OUTPUT]\n    name stdout\n    match *\n',
    );
    expect(r.parsers).toBe('[PARSER]\n    name json\n    format json\n\n[MULTILINE_PARSER]\n    name ml\n    type regex\n    rule start_state "/a b/" start_state\n');
    write('main.conf', r.text);
    write('main-parsers.conf', r.parsers!);
    const before = validateConfig(join(tmp.path, 'main.yaml'), { env, cwd: tmp.path });
    const after = validateConfig(join(tmp.path, 'main.conf'), { env, cwd: tmp.path });
    expect(after.diagnostics).toEqual([]);
    const { parsers, multilineParsers, inputs } = planToJson(after.plan) as Record<string, unknown>;
    const expected = planToJson(before.plan) as Record<string, unknown>;
    expect(JSON.stringify(inputs).replace(/main\.(conf|yaml):\d+:\d+/g, '')).toBe(JSON.stringify(expected['inputs']).replace(/main\.(conf|yaml):\d+:\d+/g, ''));
    expect(Object.keys(parsers as object)).toEqual(['json']);
    expect(Object.keys(multilineParsers as object)).toContain('ml');
  });

  it('leaves out processors, empty and multi-line values, with notes', () => {
    write(
      'main.yaml',
      'pipeline:\n  inputs:\n    - name: dummy\n      tag: app\n      alias:\n      dummy: |\n        {"a": 1}\n        {"b": 2}\n      processors:\n        logs:\n          - name: grep\n            regex: log x\n  outputs:\n    - name: stdout\n      match: app\n',
    );
    const r = convert('main.yaml', 'classic');
    expect(notes(r).map((n) => n[1])).toEqual([5, 6, 11]);
    expect(r.text).toBe('[INPUT]\n    name dummy\n    tag app\n\n[OUTPUT]\n    name stdout\n    match app\n');
  });
});

describe('YAML -> YAML', () => {
  it('keeps processors, with their keys as written and nested values', () => {
    const text =
      'pipeline:\n  inputs:\n    - name: dummy\n      tag: app\n      processors:\n        logs:\n          - name: sampling\n            sampling_settings:\n              percentage: 10\n              rules:\n                - a\n          - name: modify\n            Add: [a b, c d]\n  outputs:\n    - name: stdout\n      match: app\n';
    write('main.yaml', text);
    const r = convert('main.yaml', 'yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe(text.replace('Add: [a b, c d]', 'Add:\n              - a b\n              - c d'));
  });
});
