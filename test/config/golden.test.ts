import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../../src/diagnostics/codes.js';
import { planToJson } from '../../src/config/plan/to-json.js';
import { validateClassic } from '../../src/config/validate.js';
import { GOLDEN_ENV, REPO_ROOT, runCli } from '../support/cli.js';

// Set UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change (then review the diff).
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const INVALID = 'fixtures/configs/invalid';
const VALID = 'fixtures/configs/valid';

function cases(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir))
    .filter((f) => f.endsWith('.conf'))
    .map((f) => f.slice(0, -'.conf'.length))
    .sort();
}

/** The code a case is about: the longest registry code its name starts with. */
function codeOf(name: string): DiagnosticCode | undefined {
  return (Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[])
    .filter((c) => name === c || name.startsWith(`${c}-`))
    .sort((a, b) => b.length - a.length)[0];
}

describe('invalid configs: exact text output', () => {
  for (const name of cases(INVALID)) {
    it(name, async () => {
      const conf = `${INVALID}/${name}.conf`;
      const expectedPath = join(REPO_ROOT, INVALID, `${name}.expected.txt`);
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

describe('valid configs: no errors, plan snapshot', () => {
  for (const name of cases(VALID)) {
    it(name, () => {
      const result = validateClassic(`${VALID}/${name}.conf`, { env: GOLDEN_ENV, cwd: REPO_ROOT });
      const errors = result.diagnostics.filter((d) => d.severity !== 'info');
      expect(errors).toEqual([]);
      const snapshotPath = join(REPO_ROOT, VALID, `${name}.plan.json`);
      const actual = `${JSON.stringify(planToJson(result.plan), null, 2)}\n`;
      if (UPDATE) writeFileSync(snapshotPath, actual);
      expect(existsSync(snapshotPath), `${snapshotPath} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(snapshotPath, 'utf8'));
    });
  }
});

describe('golden coverage', () => {
  it('has at least 30 invalid cases', () => {
    expect(cases(INVALID).length).toBeGreaterThanOrEqual(30);
  });

  it('covers every diagnostic code the classic engine can produce', () => {
    const covered = new Set(cases(INVALID).map(codeOf));
    const required: DiagnosticCode[] = [
      'syntax-error', 'bad-indentation', 'unknown-section', 'missing-name', 'unknown-plugin', 'unsupported-plugin',
      'unknown-key', 'duplicate-key', 'missing-required', 'invalid-value', 'invalid-regex', 'unknown-parser',
      'include-not-found', 'include-loop', 'parser-in-main-file', 'undefined-variable', 'unrouted-input', 'unmatched-route',
    ];
    expect(required.filter((c) => !covered.has(c))).toEqual([]);
  });
});
