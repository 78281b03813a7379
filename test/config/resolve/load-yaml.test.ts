import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/resolve/load.js';
import { formatOfPath } from '../../../src/config/resolve/format.js';
import { validateConfig } from '../../../src/config/validate.js';
import { useTempDir } from '../../support/temp-dir.js';

const tmp = useTempDir('logferry-yaml-');
const write = (rel: string, text: string) => tmp.write(rel, text);
const output = (match: string) => `pipeline:\n  outputs:\n    - name: stdout\n      match: ${match}\n`;
const matches = (sections: { entries: { key: string; value: string }[] }[]) => sections.map((s) => s.entries.find((e) => e.key.toLowerCase() === 'match')?.value);

describe('format by extension', () => {
  it('reads .yaml and .yml (any case) as YAML, anything else as classic', () => {
    expect(['a.yaml', 'b.YML', 'c.yml', 'd.conf', 'e', 'f.yaml.conf'].map(formatOfPath)).toEqual(['yaml', 'yaml', 'yaml', 'classic', 'classic', 'classic']);
  });
});

describe('YAML includes (flb_cf_yaml.c read_config / read_glob)', () => {
  it("resolves includes against the including file's directory, at every level", () => {
    write('conf/main.yaml', 'includes:\n  - sub/a.yaml\n');
    write('conf/sub/a.yaml', 'includes:\n  - b.yaml\n');
    write('conf/sub/b.yaml', output('from-sub-dir'));
    write('conf/b.yaml', output('from-main-dir'));
    const loaded = loadConfig(join(tmp.path, 'conf/main.yaml'), { cwd: tmp.path, env: {} });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.format).toBe('yaml');
    expect(matches(loaded.sections)).toEqual(['from-sub-dir']);
  });

  it('does not look in the working directory for a relative include', () => {
    write('conf/main.yaml', 'includes:\n  - out.yaml\n');
    write('out.yaml', output('cwd'));
    const loaded = loadConfig(join(tmp.path, 'conf/main.yaml'), { cwd: tmp.path, env: {} });
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['include-not-found']);
  });

  it('expands globs from the including file, in order, where the includes key stands', () => {
    write('main.yaml', `${output('first')}includes:\n  - parts/*.yaml\n`);
    write('parts/b.yaml', output('b'));
    write('parts/a.yaml', output('a'));
    const loaded = loadConfig(join(tmp.path, 'main.yaml'), { cwd: tmpdir(), env: {} });
    expect(loaded.diagnostics).toEqual([]);
    expect(matches(loaded.sections)).toEqual(['first', 'a', 'b']);
  });

  it('does not expand ${VAR} in include paths', () => {
    write('main.yaml', 'env:\n  D: parts\nincludes:\n  - ${D}/a.yaml\n');
    write('parts/a.yaml', output('a'));
    const loaded = loadConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: {} });
    expect(loaded.diagnostics.map((d) => d.message)).toEqual(["includes: '${D}/a.yaml': file not found"]);
  });

  it('reports a missing file, an empty glob, a loop and a file included twice, and keeps going', () => {
    write('main.yaml', 'includes:\n  - missing.yaml\n  - none/*.yaml\n  - loop.yaml\n  - once.yaml\n  - once.yaml\n');
    write('loop.yaml', 'includes:\n  - loop.yaml\n');
    write('once.yaml', output('once'));
    const loaded = loadConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: {} });
    expect(loaded.diagnostics.map((d) => [d.code, d.file.endsWith('loop.yaml') ? 'loop.yaml' : 'main.yaml', d.line])).toEqual([
      ['include-not-found', 'main.yaml', 2],
      ['include-not-found', 'main.yaml', 3],
      ['include-loop', 'loop.yaml', 2],
      ['include-loop', 'main.yaml', 6],
    ]);
    expect(loaded.sections).toHaveLength(1);
  });

  it("reads an included file in the including file's format, and says so when the extension disagrees", () => {
    write('main.yaml', 'includes:\n  - out.conf\n');
    write('out.conf', output('yaml-in-a-conf-file'));
    const loaded = loadConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: {} });
    expect(loaded.diagnostics.map((d) => [d.code, d.severity])).toEqual([['syntax-error', 'warning']]);
    expect(matches(loaded.sections)).toEqual(['yaml-in-a-conf-file']);

    write('main.conf', '@INCLUDE out.yaml\n');
    write('out.yaml', '[OUTPUT]\n    Name  stdout\n    Match classic-in-a-yaml-file\n');
    const classic = loadConfig(join(tmp.path, 'main.conf'), { cwd: tmp.path, env: {} });
    expect(classic.diagnostics.map((d) => [d.code, d.severity])).toEqual([['syntax-error', 'warning']]);
    expect(matches(classic.sections)).toEqual(['classic-in-a-yaml-file']);
  });

  it('allows one service map per tree of includes', () => {
    write('main.yaml', 'service:\n  flush: 1\nincludes:\n  - more.yaml\n');
    write('more.yaml', 'service:\n  grace: 1\n');
    const loaded = loadConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: {} });
    expect(loaded.diagnostics.map((d) => [d.code, d.file.endsWith('more.yaml')])).toEqual([['duplicate-key', true]]);
    expect(loaded.sections.filter((s) => s.kind === 'service')).toHaveLength(1);
  });
});

describe('YAML configurations validated end to end', () => {
  it('applies env before any section, wherever it stands, over the environment', () => {
    write('main.yaml', 'pipeline:\n  inputs:\n    - name: dummy\n      tag: ${T}\n  outputs:\n    - name: stdout\n      match: "*"\nenv:\n  T: late\n');
    const result = validateConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: { T: 'env' } });
    expect(result.diagnostics).toEqual([]);
    expect(result.plan.inputs[0]?.options.tag).toBe('late');
  });

  it('loads parsers from the main file, from included YAML files and from parsers_file (by extension)', () => {
    write('main.yaml', 'service:\n  parsers_file: p.conf\nparsers:\n  - name: inline\n    format: json\nincludes:\n  - more.yaml\n' + output('"*"'));
    write('more.yaml', 'parsers:\n  - name: included\n    format: json\nmultiline_parsers:\n  - name: ml\n    type: endswith\n    match_string: x\n');
    write('p.conf', '[PARSER]\n    Name  from_file\n    Format json\n');
    const result = validateConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: {} });
    expect(result.diagnostics).toEqual([]);
    expect([...result.plan.parsers.keys()]).toEqual(['from_file', 'inline', 'included']);
    expect(result.plan.multilineParsers.get('ml')?.builtin).toBe(false);
  });

  it('reads a YAML Parsers_File named by a classic main file', () => {
    write('main.conf', '[SERVICE]\n    Parsers_File p.yaml\n\n[INPUT]\n    Name   tail\n    Path   /x\n    Parser crio\n\n[OUTPUT]\n    Name  stdout\n    Match *\n');
    write('p.yaml', 'parsers:\n  - name: crio\n    format: regex\n    regex: ^(?<log>.*)$\npipeline:\n  inputs:\n    - name: dummy\n');
    const result = validateConfig(join(tmp.path, 'main.conf'), { cwd: tmp.path, env: {} });
    expect(result.diagnostics).toEqual([]);
    expect([...result.plan.parsers.keys()]).toEqual(['crio']);
    // Only parsers are taken from a parsers file.
    expect(result.plan.inputs.map((i) => i.plugin)).toEqual(['tail']);
  });

  it('builds processors into the plan and validates them like filters', () => {
    write(
      'main.yaml',
      'pipeline:\n  inputs:\n    - name: dummy\n      tag: app\n      processors:\n        logs:\n          - name: grep\n            regex: [log a, log b]\n          - name: content_modifier\n  filters:\n    - name: modify\n      match: app\n      add: a b\n      processors:\n        logs:\n          - name: grep\n            regex: log a\n  outputs:\n    - name: stdout\n      match: app\n      processors:\n        logs:\n          - name: modify\n            rename: [a b]\n            colour: red\n          - name: ${P}\n',
    );
    const result = validateConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: { P: 'grep' } });
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      // content_modifier is a native processor logferry runs: its action is required.
      ['missing-required', 'error', 9],
      ['unknown-key', 'warning', 16],
      ['unknown-key', 'error', 25],
      ['unknown-plugin', 'error', 26],
    ]);
    const input = result.plan.inputs[0]!;
    expect(input.processors?.map((p) => [p.id, p.plugin, p.signal, p.supported])).toEqual([
      ['grep.0', 'grep', 'logs', true],
      ['content_modifier.0', 'content_modifier', 'logs', true],
    ]);
    expect(input.processors?.[0]?.options['regex']).toHaveLength(2);
    expect(result.plan.filters[0]?.processors).toBeUndefined();
    // Processors are not pipeline filters: routing analysis does not see them (no unmatched-route for them).
    expect(result.plan.filters.map((f) => f.id)).toEqual(['modify.0']);
  });

  it('reports a list for a single-valued key once, at the list, and keeps the last value of a generic key', () => {
    write('main.yaml', 'pipeline:\n  inputs:\n    - name: tail\n      path: [/a, /b, /c]\n      tag: [x, y]\n' + output('"*"'));
    const result = validateConfig(join(tmp.path, 'main.yaml'), { cwd: tmp.path, env: {} });
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.line, d.column])).toEqual([
      ['duplicate-key', 'error', 4, 13],
      ['duplicate-key', 'warning', 5, 12],
    ]);
    expect(result.plan.inputs[0]?.options.tag).toBe('y');
  });
});
