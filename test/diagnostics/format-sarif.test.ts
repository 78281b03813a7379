import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { artifactUri, type SarifLog } from '../../src/diagnostics/format-sarif.js';
import { runCli } from '../support/cli.js';

/**
 * The SARIF 2.1.0 JSON schema as shipped by @microsoft/jest-sarif (Microsoft's SARIF SDK for
 * JavaScript): `sarif-2.1.0-rtm.5.json`, the release-candidate schema of the OASIS standard. It
 * differs from the final `sarif-schema-2.1.0.json` only in details this output does not touch
 * (descriptions, a language-tag pattern, `type` next to some enums, region needing one of
 * startLine/charOffset/byteOffset: every region here has startLine).
 */
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

function validator() {
  // unicodeRegExp off: rtm.5's language-tag pattern has a stray `]` (fixed in the final schema)
  // that is only legal in a non-unicode regular expression.
  // Both packages are CommonJS with `exports.default` set to the export itself.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  return ajv.compile(schema);
}

async function sarifOf(args: string[]): Promise<{ code: number; log: SarifLog }> {
  const run = await runCli(['validate', '--format', 'sarif', ...args]);
  expect(run.stderr).toBe('');
  return { code: run.code, log: JSON.parse(run.stdout) as SarifLog };
}

describe('validate --format sarif', () => {
  it('is valid SARIF 2.1.0 for failing configs (classic and Fargate manifest)', async () => {
    const { code, log } = await sarifOf([
      'fixtures/configs/invalid/unknown-key-typo.conf',
      'fixtures/fargate/invalid/fargate-namespace-multi-document.yaml',
      'fixtures/fargate/invalid/configmap-not-checked.yaml',
      'fixtures/configs/invalid/no-match-output.conf',
    ]);
    expect(code).toBe(1);
    const validate = validator();
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema does reject what code scanning would: an unknown level, a region without a line.
    const broken = JSON.parse(JSON.stringify(log)) as { runs: { results: Record<string, unknown>[] }[] };
    broken.runs[0]!.results[0]!['level'] = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('lists every diagnostic code as a rule and points each result at its file and region', async () => {
    const { log } = await sarifOf(['fixtures/configs/invalid/unknown-key-typo.conf', 'fixtures/fargate/invalid/configmap-not-checked.yaml']);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('logferry');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(Object.keys(DIAGNOSTIC_CODES));
    for (const rule of run.tool.driver.rules) expect(rule.shortDescription.text).toBe(DIAGNOSTIC_CODES[rule.id as keyof typeof DIAGNOSTIC_CODES].doc);
    expect(run.results).toEqual([
      {
        ruleId: 'unknown-key',
        ruleIndex: Object.keys(DIAGNOSTIC_CODES).indexOf('unknown-key'),
        level: 'error',
        message: { text: "unknown key 'Mem_Buf_Limt' in [INPUT] tail\nhelp: did you mean 'Mem_Buf_Limit'?" },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'fixtures/configs/invalid/unknown-key-typo.conf' },
              region: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 17 },
            },
          },
        ],
      },
      expect.objectContaining({ ruleId: 'configmap-not-checked', level: 'note' }),
    ]);
  });

  it('prints a clean config as a run without results', async () => {
    const { code, log } = await sarifOf(['fixtures/configs/valid/dummy-stdout.conf']);
    expect(code).toBe(0);
    expect(log.runs[0]!.results).toEqual([]);
    expect(validator()(log)).toBe(true);
  });

  it('writes relative paths as relative URIs and absolute paths as file URLs', () => {
    expect(artifactUri('fixtures/a b/c#d.conf')).toBe('fixtures/a%20b/c%23d.conf');
    expect(artifactUri('/etc/fluent-bit/fluent bit.conf')).toBe('file:///etc/fluent-bit/fluent%20bit.conf');
  });
});
