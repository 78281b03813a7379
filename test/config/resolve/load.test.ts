import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VariableScope } from '../../../src/config/resolve/env.js';
import { loadConfig } from '../../../src/config/resolve/load.js';
import { validateConfig } from '../../../src/config/validate.js';
import type { DiagnosticInit } from '../../../src/diagnostics/diagnostic.js';

describe('${VAR} expansion (flb_env.c lookup order)', () => {
  const expand = (scope: VariableScope, value: string) => {
    const reports: DiagnosticInit[] = [];
    const out = scope.expand(value, undefined, (d) => reports.push(d));
    return { out, codes: reports.map((r) => r.code) };
  };

  it('prefers @SET values over the environment, and treats an empty environment variable as unset', () => {
    const scope = new VariableScope({ REGION: 'from-env', EMPTY: '' });
    expect(expand(scope, '${REGION}').out).toBe('from-env');
    scope.set('REGION', 'from-set');
    expect(expand(scope, '${REGION}').out).toBe('from-set');
    expect(expand(scope, 'a-${EMPTY}-b')).toEqual({ out: 'a--b', codes: ['undefined-variable'] });
  });

  it('expands every reference, keeps a bare $, and drops the rest after an unterminated ${', () => {
    const scope = new VariableScope({ A: '1', B: '2' });
    expect(expand(scope, '${A}.${B}.$A.${A}')).toEqual({ out: '1.2.$A.1', codes: [] });
    expect(expand(scope, 'x-${A')).toEqual({ out: 'x-', codes: ['invalid-value'] });
  });

  it('points the warning at the reference inside the value', () => {
    const scope = new VariableScope({});
    const reports: DiagnosticInit[] = [];
    const span = { file: 'f.conf', start: { line: 3, column: 10, offset: 40 }, end: { line: 3, column: 29, offset: 59 } };
    scope.expand('/aws/${CLUSTER}/app', span, (d) => reports.push(d));
    expect(reports[0]?.span?.start.column).toBe(15);
    expect(reports[0]?.span?.end.column).toBe(25);
  });

  it('presets HOSTNAME when the environment has none (validate)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-host-'));
    try {
      writeFileSync(join(dir, 'main.conf'), '[INPUT]\n    Name dummy\n    Tag  ${HOSTNAME}\n\n[OUTPUT]\n    Name  stdout\n    Match *\n');
      const result = validateConfig(join(dir, 'main.conf'), { env: {} });
      expect(result.diagnostics).toEqual([]);
      expect(result.plan.inputs[0]?.options.tag).not.toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('@INCLUDE resolution (flb_cf_fluentbit.c)', () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  };
  const section = (name: string) => `[OUTPUT]\n    Name  stdout\n    Match ${name}\n`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logferry-include-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves an include inside an included file against the main file's directory, not the including file's", () => {
    write('conf/main.conf', '@INCLUDE sub/a.conf\n');
    write('conf/sub/a.conf', '@INCLUDE b.conf\n');
    write('conf/b.conf', section('from-main-dir'));
    write('conf/sub/b.conf', section('from-sub-dir'));
    const loaded = loadConfig(join(dir, 'conf/main.conf'), { cwd: dir, env: {} });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.sections.map((s) => s.entries[1]?.value)).toEqual(['from-main-dir']);
  });

  it('tries a relative path against the working directory first', () => {
    write('conf/main.conf', '@INCLUDE out.conf\n');
    write('conf/out.conf', section('main-dir'));
    write('out.conf', section('cwd'));
    const loaded = loadConfig(join(dir, 'conf/main.conf'), { cwd: dir, env: {} });
    expect(loaded.sections.map((s) => s.entries[1]?.value)).toEqual(['cwd']);
  });

  it('expands globs from the main directory and inlines sections where the include stands', () => {
    write('main.conf', `${section('first')}\n@INCLUDE parts/*.conf\n\n${section('last')}`);
    write('parts/b.conf', section('b'));
    write('parts/a.conf', section('a'));
    const loaded = loadConfig(join(dir, 'main.conf'), { cwd: tmpdir(), env: {} });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.sections.map((s) => s.entries[1]?.value)).toEqual(['first', 'a', 'b', 'last']);
  });

  it('reports a missing file, an empty glob, a loop and a file included twice, and keeps going', () => {
    write('main.conf', '@INCLUDE missing.conf\n@INCLUDE none/*.conf\n@INCLUDE loop.conf\n@INCLUDE once.conf\n@INCLUDE once.conf\n');
    write('loop.conf', '@INCLUDE loop.conf\n');
    write('once.conf', section('once'));
    const loaded = loadConfig(join(dir, 'main.conf'), { cwd: dir, env: {} });
    expect(loaded.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['include-not-found', 1],
      ['include-not-found', 2],
      ['include-loop', 1],
      ['include-loop', 5],
    ]);
    expect(loaded.sections).toHaveLength(1);
  });

  it('runs every @SET before any section is applied, wherever it stands', () => {
    write('main.conf', `[INPUT]\n    Name dummy\n    Tag  \${T}\n\n${section('late')}\n@SET T=late\n`);
    const result = validateConfig(join(dir, 'main.conf'), { cwd: dir, env: { T: 'env' } });
    expect(result.diagnostics).toEqual([]);
    expect(result.plan.inputs[0]?.options.tag).toBe('late');
  });
});
