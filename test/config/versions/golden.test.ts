import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../support/cli.js';
import { cases } from '../../support/golden.js';

// Set UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change (then review the diff).
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const DIR = 'fixtures/versions';
/** Each case is checked for these targets: the aws-for-fluent-bit image (1.9.10), 4.2 and 5.1. */
const TARGETS = ['aws-for-fluent-bit-2.32', 'fluent-bit-4.2', 'fluent-bit-5.1'] as const;
const CASES = [...cases(DIR, '.conf').map((n) => `${n}.conf`), ...cases(DIR, '.yaml').map((n) => `${n}.yaml`)];

describe('configs checked for each target: exact text output', () => {
  for (const file of CASES) {
    for (const target of TARGETS) {
      it(`${file} for ${target}`, async () => {
        const run = await runCli(['validate', '--target', target, `${DIR}/${file}`]);
        expect(run.stderr).toBe('');
        const expectedPath = join(REPO_ROOT, DIR, `${file.replace(/\.(conf|yaml)$/, '')}.${target}.expected.txt`);
        if (UPDATE) writeFileSync(expectedPath, run.stdout);
        expect(existsSync(expectedPath), `${expectedPath} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
        expect(run.stdout).toBe(readFileSync(expectedPath, 'utf8'));
        expect(run.code).toBe(/^failed:/m.test(run.stdout) ? 1 : 0);
      });
    }
  }

  it('has a config valid on 4.2 and refused on 1.9.10, and one valid on 1.9.10 and refused on 4.2', async () => {
    const code = async (target: string, file: string) => (await runCli(['validate', '--target', target, `${DIR}/${file}`])).code;
    expect([await code('fluent-bit-4.2', 'otel-logs-uri.conf'), await code('fluent-bit-1.9', 'otel-logs-uri.conf')]).toEqual([0, 1]);
    expect([await code('fluent-bit-1.9', 'otel-uri.conf'), await code('fluent-bit-4.2', 'otel-uri.conf')]).toEqual([0, 1]);
  });
});

describe('agreement with Fluent Bit 4.2.8', () => {
  const recorded = readFileSync(join(REPO_ROOT, DIR, 'fluent-bit-4.2.8.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => /^([\w-]+): (refused|accepted)/.exec(l)!)
    .map(([, name, verdict]) => ({ name: name!, refused: verdict === 'refused' }));

  it('records every classic case', () => {
    expect(recorded.map((r) => `${r.name}.conf`).sort()).toEqual(CASES.filter((c) => c.endsWith('.conf')).sort());
  });

  for (const { name, refused } of recorded) {
    it(`${name}: validate --target fluent-bit-4.2 ${refused ? 'refuses' : 'accepts'} it, as Fluent Bit 4.2.8 does`, async () => {
      const run = await runCli(['validate', '--target', 'fluent-bit-4.2', `${DIR}/${name}.conf`]);
      expect(run.code).toBe(refused ? 1 : 0);
    });
  }
});

describe('the AWS fixtures pass with the aws-for-fluent-bit and eks-fargate targets', () => {
  const fargate = cases('fixtures/fargate/valid', '.yaml').map((n) => ['eks-fargate', `fixtures/fargate/valid/${n}.yaml`] as const);
  it.each([['aws-for-fluent-bit-2.32', 'fixtures/container-insights/fluent-bit.conf'] as const, ...fargate])('%s: %s', async (target, file) => {
    const vars = ['AWS_REGION=us-east-1', 'CLUSTER_NAME=demo', 'HOST_NAME=node-1', 'READ_FROM_HEAD=Off', 'READ_FROM_TAIL=On', 'HTTP_SERVER=On', 'HTTP_PORT=2020'];
    const run = await runCli(['validate', '--target', target, '--format', 'json', '--deny-warnings', ...vars.flatMap((v) => ['--env', v]), file]);
    const report = JSON.parse(run.stdout) as { diagnostics: { severity: string; message: string }[]; target: string };
    expect(report.diagnostics).toEqual([]);
    expect(report.target).toBe(`${target} (Fluent Bit 1.9.10)`);
    expect(run.code).toBe(0);
  });
});
