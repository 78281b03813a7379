import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifestFile } from '../../../src/config/fargate/validate.js';
import { planToJson } from '../../../src/config/plan/to-json.js';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../../../src/diagnostics/codes.js';
import { REPO_ROOT, runCli } from '../../support/cli.js';
import { cases as casesOf, codeOf } from '../../support/golden.js';

const cases = (dir: string) => casesOf(dir, '.yaml');

// Set UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change (then review the diff).
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const INVALID = 'fixtures/fargate/invalid';
const VALID = 'fixtures/fargate/valid';

describe('Fargate ConfigMaps with problems: exact text output', () => {
  for (const name of cases(INVALID)) {
    it(name, async () => {
      const file = `${INVALID}/${name}.yaml`;
      const expectedPath = join(REPO_ROOT, INVALID, `${name}.expected.txt`);
      const run = await runCli(['validate', file]);
      expect(run.stderr).toBe('');
      const code = codeOf(name);
      expect(code, `case name '${name}' must start with a diagnostic code`).toBeDefined();
      const json = await runCli(['validate', '--format', 'json', file]);
      const report = JSON.parse(json.stdout) as { diagnostics: { code: string; severity: string; file: string }[] };
      expect(report.diagnostics.map((d) => d.code)).toContain(code);
      // Every position points into the manifest itself.
      expect(report.diagnostics.every((d) => d.file === file)).toBe(true);
      expect(run.code).toBe(report.diagnostics.some((d) => d.severity === 'error') ? 1 : 0);
      if (UPDATE) writeFileSync(expectedPath, run.stdout);
      expect(existsSync(expectedPath), `${expectedPath} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(run.stdout).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }
});

describe('valid Fargate ConfigMaps: clean, plan snapshot', () => {
  for (const name of cases(VALID)) {
    it(name, async () => {
      const file = `${VALID}/${name}.yaml`;
      const run = await runCli(['validate', file]);
      expect(run).toEqual({ code: 0, stdout: 'ok: 1 file checked, no problems\n', stderr: '' });
      const result = validateManifestFile(file, { cwd: REPO_ROOT });
      expect(result?.plans).toHaveLength(1);
      const snapshotPath = join(REPO_ROOT, VALID, `${name}.plan.json`);
      const actual = `${JSON.stringify(planToJson(result!.plans[0]!), null, 2)}\n`;
      if (UPDATE) writeFileSync(snapshotPath, actual);
      expect(existsSync(snapshotPath), `${snapshotPath} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(snapshotPath, 'utf8'));
    });
  }
});

describe('Fargate golden coverage', () => {
  it('has a case for every Fargate and ConfigMap code, and a multi-document manifest', () => {
    const names = cases(INVALID);
    expect(names.length).toBeGreaterThanOrEqual(12);
    const covered = new Set(names.map(codeOf));
    const required = (Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[]).filter(
      (c) => c.startsWith('fargate-') || c === 'invalid-configmap' || c === 'configmap-not-checked',
    );
    expect(required.filter((c) => !covered.has(c))).toEqual([]);
    const multi = names.filter((n) => readFileSync(join(REPO_ROOT, INVALID, `${n}.yaml`), 'utf8').includes('\n---\n'));
    expect(multi.length).toBeGreaterThan(0);
  });
});
