import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiagnosticCode } from '../../src/diagnostics/codes.js';
import { planToJson } from '../../src/config/plan/to-json.js';
import { validateConfig } from '../../src/config/validate.js';
import { GOLDEN_ENV, REPO_ROOT, runCli } from '../support/cli.js';
import { cases, codeOf } from '../support/golden.js';

// Set UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change (then review the diff).
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
/** Golden folders per format: the same kinds of mistakes, written in classic and in YAML. */
const FORMATS = [
  { name: 'classic', ext: '.conf', invalid: 'fixtures/configs/invalid', valid: 'fixtures/configs/valid' },
  { name: 'yaml', ext: '.yaml', invalid: 'fixtures/configs/invalid-yaml', valid: 'fixtures/configs/valid-yaml' },
] as const;
const [CLASSIC, YAML] = FORMATS;

for (const format of FORMATS) {
  describe(`invalid ${format.name} configs: exact text output`, () => {
    for (const name of cases(format.invalid, format.ext)) {
      it(name, async () => {
        const conf = `${format.invalid}/${name}${format.ext}`;
        const expectedPath = join(REPO_ROOT, format.invalid, `${name}.expected.txt`);
        const run = await runCli(['validate', conf]);
        expect(run.stderr).toBe('');
        const code = codeOf(name);
        expect(code, `case name '${name}' must start with a diagnostic code`).toBeDefined();
        const json = await runCli(['validate', '--format', 'json', conf]);
        const report = JSON.parse(json.stdout) as { diagnostics: { code: string; severity: string }[] };
        expect(report.diagnostics.map((d) => d.code)).toContain(code);
        const hasError = report.diagnostics.some((d) => d.severity === 'error');
        expect(run.code).toBe(hasError ? 1 : 0);
        if (UPDATE) writeFileSync(expectedPath, run.stdout);
        expect(existsSync(expectedPath), `${expectedPath} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
        expect(run.stdout).toBe(readFileSync(expectedPath, 'utf8'));
      });
    }
  });

  describe(`valid ${format.name} configs: no errors, plan snapshot`, () => {
    for (const name of cases(format.valid, format.ext)) {
      it(name, () => {
        const result = validateConfig(`${format.valid}/${name}${format.ext}`, { env: GOLDEN_ENV, cwd: REPO_ROOT });
        const errors = result.diagnostics.filter((d) => d.severity !== 'info');
        expect(errors).toEqual([]);
        const snapshotPath = join(REPO_ROOT, format.valid, `${name}.plan.json`);
        const actual = `${JSON.stringify(planToJson(result.plan), null, 2)}\n`;
        if (UPDATE) writeFileSync(snapshotPath, actual);
        expect(existsSync(snapshotPath), `${snapshotPath} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
        expect(actual).toBe(readFileSync(snapshotPath, 'utf8'));
      });
    }
  });
}

describe('golden coverage', () => {
  const covered = (dir: string, ext: string) => new Set(cases(dir, ext).map(codeOf));

  it('has at least 30 invalid cases per format', () => {
    for (const format of FORMATS) expect(cases(format.invalid, format.ext).length).toBeGreaterThanOrEqual(30);
  });

  it('covers every diagnostic code the classic engine can produce', () => {
    const required: DiagnosticCode[] = [
      'syntax-error', 'bad-indentation', 'unknown-section', 'missing-name', 'unknown-plugin', 'unsupported-plugin',
      'unknown-key', 'duplicate-key', 'missing-required', 'invalid-value', 'invalid-regex', 'unknown-parser',
      'include-not-found', 'include-loop', 'parser-in-main-file', 'undefined-variable', 'unrouted-input', 'unmatched-route',
    ];
    const have = covered(CLASSIC.invalid, CLASSIC.ext);
    expect(required.filter((c) => !have.has(c))).toEqual([]);
  });

  it('covers the same codes in YAML, except the classic-only ones, plus the YAML-only mistakes', () => {
    const required: DiagnosticCode[] = [
      'syntax-error', 'unknown-section', 'missing-name', 'unknown-plugin', 'unsupported-plugin', 'unknown-key', 'duplicate-key',
      'missing-required', 'invalid-value', 'invalid-regex', 'unknown-parser', 'duplicate-parser', 'include-not-found', 'include-loop',
      'undefined-variable', 'conflicting-keys', 'invalid-rule', 'unrouted-input', 'unmatched-route', 'no-match',
    ];
    const have = covered(YAML.invalid, YAML.ext);
    expect(required.filter((c) => !have.has(c))).toEqual([]);
  });
});
