import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, DIAGNOSTICS_DOC_URL, PROJECT_URL } from '../../src/diagnostics/codes.js';
import { artifactLocation, SARIF_AUTOMATION_ID, type SarifLog } from '../../src/diagnostics/format-sarif.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

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

async function sarifOf(args: string[], stderr = ''): Promise<{ code: number; log: SarifLog }> {
  const run = await runCli(['validate', '--format', 'sarif', ...args]);
  expect(run.stderr).toBe(stderr);
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
    // Every rule a result uses carries what code scanning shows at the top of an alert.
    const rules = log.runs[0]!.tool.driver.rules;
    const used = new Set(log.runs[0]!.results.map((r) => r.ruleId));
    expect([...used].sort()).toEqual(['configmap-not-checked', 'fargate-namespace', 'missing-required', 'no-match', 'unknown-key', 'unrouted-input']);
    for (const id of used) {
      const rule = rules.find((r) => r.id === id)!;
      expect(rule.fullDescription.text.length).toBeGreaterThan(rule.shortDescription.text.length);
      expect(rule.help.text).toMatch(/\nWrong:\n {4}.+\n\nRight:\n {4}/s);
      expect(rule.help.markdown).toMatch(/\nWrong:\n\n```(ini|yaml)\n.+\n```\n\nRight:\n\n```(ini|yaml)\n/s);
      expect(rule.helpUri).toBe(`${DIAGNOSTICS_DOC_URL}#${id}`);
    }
  });

  it('describes every code as a rule with help, a link to its docs section and a PascalCase name', async () => {
    const { log } = await sarifOf(['fixtures/configs/valid/dummy-stdout.conf']);
    const driver = log.runs[0]!.tool.driver;
    expect(driver.informationUri).toBe(PROJECT_URL);
    expect(driver.rules.map((r) => r.id)).toEqual(Object.keys(DIAGNOSTIC_CODES));
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'diagnostics.md'), 'utf8');
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text).toBe(DIAGNOSTIC_CODES[rule.id].doc);
      expect(rule.fullDescription.text).toBe(`${DIAGNOSTIC_CODES[rule.id].doc} ${DIAGNOSTIC_CODES[rule.id].fix}`);
      expect(rule.help.text.startsWith(DIAGNOSTIC_CODES[rule.id].fix)).toBe(true);
      expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
      // The anchor exists: GitHub makes `## unknown-key` into #unknown-key.
      expect(docs).toContain(`\n## ${rule.helpUri.slice(rule.helpUri.indexOf('#') + 1)}\n`);
    }
    expect(driver.rules.find((r) => r.id === 'unknown-key')!.name).toBe('UnknownKey');
    expect(log.runs[0]!.automationDetails).toEqual({ id: SARIF_AUTOMATION_ID });
    expect(log.runs[0]!.invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('points each result at its file (relative to %SRCROOT%, the working directory) and region', async () => {
    const { log } = await sarifOf(['fixtures/configs/invalid/unknown-key-typo.conf', 'fixtures/fargate/invalid/configmap-not-checked.yaml']);
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `${pathToFileURL(REPO_ROOT).href}/` } });
    expect(run.results).toEqual([
      {
        ruleId: 'unknown-key',
        ruleIndex: Object.keys(DIAGNOSTIC_CODES).indexOf('unknown-key'),
        level: 'error',
        message: { text: "unknown key 'Mem_Buf_Limt' in [INPUT] tail\nhelp: did you mean 'Mem_Buf_Limit'?" },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'fixtures/configs/invalid/unknown-key-typo.conf', uriBaseId: '%SRCROOT%' },
              region: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 17 },
            },
          },
        ],
      },
      expect.objectContaining({ ruleId: 'configmap-not-checked', level: 'note' }),
    ]);
  });

  it('--sarif-root makes URIs relative to another directory; a file outside it stays an absolute, valid URL', async () => {
    const { log } = await sarifOf(['--sarif-root', 'fixtures/configs', 'fixtures/configs/invalid/unknown-key-typo.conf', 'fixtures/fargate/invalid/configmap-not-checked.yaml']);
    const run = log.runs[0]!;
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`${pathToFileURL(join(REPO_ROOT, 'fixtures', 'configs')).href}/`);
    const locations = run.results.map((r) => r.locations![0]!.physicalLocation.artifactLocation);
    expect(locations).toEqual([
      { uri: 'invalid/unknown-key-typo.conf', uriBaseId: '%SRCROOT%' },
      { uri: pathToFileURL(join(REPO_ROOT, 'fixtures/fargate/invalid/configmap-not-checked.yaml')).href },
    ]);
    expect(validator()(log)).toBe(true);
  });

  it('prints a clean config as a run without results', async () => {
    const { code, log } = await sarifOf(['fixtures/configs/valid/dummy-stdout.conf']);
    expect(code).toBe(0);
    expect(log.runs[0]!.results).toEqual([]);
    expect(validator()(log)).toBe(true);
  });

  describe('an input that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-sarif-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('still writes a valid log, with executionSuccessful false and a notification per input (exit 2)', async () => {
      // Every argument is checked: the readable one too, and each unreadable one is also a result.
      const { code, log } = await sarifOf(['fixtures/configs/valid/dummy-stdout.conf', 'no/such.conf', dir]);
      expect(code).toBe(2);
      expect(validator()(log)).toBe(true);
      expect(log.runs[0]!.results.map((r) => [r.ruleId, r.message.text])).toEqual([
        ['unreadable-file', "cannot read 'no/such.conf': no such file"],
        ['unreadable-file', `cannot read '${dir}': it is a directory`],
      ]);
      expect(log.runs[0]!.invocations).toEqual([
        {
          executionSuccessful: false,
          toolExecutionNotifications: [
            {
              level: 'error',
              message: { text: "cannot read 'no/such.conf': no such file" },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'no/such.conf', uriBaseId: '%SRCROOT%' } } }],
            },
            {
              level: 'error',
              message: { text: `cannot read '${dir}': it is a directory` },
              locations: [{ physicalLocation: { artifactLocation: { uri: pathToFileURL(dir).href } } }],
            },
          ],
        },
      ]);
    });
  });

  it('writes paths under the root as encoded relative URIs and others as file URLs', () => {
    expect(artifactLocation('fixtures/a b/c#d.conf', '/repo')).toEqual({ uri: 'fixtures/a%20b/c%23d.conf', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/repo/x.conf', '/elsewhere', '/repo')).toEqual({ uri: 'x.conf', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/etc/fluent-bit/fluent bit.conf', '/repo')).toEqual({ uri: 'file:///etc/fluent-bit/fluent%20bit.conf' });
    expect(artifactLocation('../up.conf', '/repo/sub', '/repo/sub')).toEqual({ uri: 'file:///repo/up.conf' });
  });
});
