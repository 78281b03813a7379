import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';

const DIR = join(REPO_ROOT, 'fixtures/config-tests');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

describe('logferry test (golden: fixtures/config-tests/<case>.test.yaml -> <case>.expected.txt)', () => {
  const cases = readdirSync(DIR).filter((f) => f.endsWith('.test.yaml')).sort();
  it.each(cases)('%s', async (name) => {
    const r = await runCli(['test', `fixtures/config-tests/${name}`]);
    const text = `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
    const expectedPath = join(DIR, name.replace(/\.test\.yaml$/, '.expected.txt'));
    if (UPDATE) writeFileSync(expectedPath, text);
    expect(text).toBe(readFileSync(expectedPath, 'utf8'));
    expect(r.code).toBe(name.startsWith('pass') ? 0 : name === 'fail-test-file.test.yaml' ? 2 : 1);
  }, 60_000);

  it('the shipped examples (Container Insights, Fargate) pass', async () => {
    const examples = readdirSync(join(REPO_ROOT, 'examples/config-tests')).filter((f) => f.endsWith('.test.yaml'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const r = await runCli(['test', ...examples.map((f) => `examples/config-tests/${f}`)]);
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('needs a test file', async () => {
    expect((await runCli(['test'])).code).toBe(2);
  });
});
