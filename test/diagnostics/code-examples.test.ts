import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeInfo, DIAGNOSTIC_CODES, type DiagnosticCode } from '../../src/diagnostics/codes.js';
import type { JsonReport } from '../../src/diagnostics/format-json.js';
import { runCli } from '../support/cli.js';

/**
 * The wrong/right examples of codes.ts (shown in SARIF help and docs/diagnostics.md) are real:
 * validate reports the code on the wrong one and not on the right one.
 */
const ILLUSTRATIVE: ReadonlySet<DiagnosticCode> = new Set([
  // Need other files or another command than validate; the example shows the shape only.
  'include-not-found',
  'include-loop',
  'unreadable-file',
  'lossy-conversion',
  'fargate-too-large',
  'internal-error',
]);

const dir = mkdtempSync(join(tmpdir(), 'logferry-code-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FARGATE_HEADER = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-logging\n  namespace: aws-observability\n';

async function codesOf(code: string, which: string, text: string, lang: 'yaml' | undefined): Promise<string[]> {
  const file = join(dir, `${code}-${which}.${lang === 'yaml' ? 'yaml' : 'conf'}`);
  writeFileSync(file, lang === 'yaml' && text.startsWith('data:') ? FARGATE_HEADER + text : text);
  const run = await runCli(['validate', '--format', 'json', file], { HOSTNAME: 'h' });
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as JsonReport).diagnostics.map((d) => d.code);
}

describe('diagnostic code examples', () => {
  it('every code but internal-error has a wrong and a right example', () => {
    const without = (Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[]).filter((c) => !codeInfo(c).example);
    expect(without).toEqual(['internal-error']);
  });

  for (const code of Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[]) {
    const example = codeInfo(code).example;
    if (!example || ILLUSTRATIVE.has(code)) continue;
    it(`${code}: validate reports it on the wrong example and not on the right one`, async () => {
      expect(await codesOf(code, 'wrong', example.wrong, example.lang)).toContain(code);
      expect(await codesOf(code, 'right', example.right, example.lang)).not.toContain(code);
    });
  }
});
