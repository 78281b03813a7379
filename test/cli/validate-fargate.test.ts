import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFargateFiles } from '../../src/config/fargate/validate.js';
import { planToJson } from '../../src/config/plan/to-json.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const CONF = 'fixtures/fargate/conf';

interface Report {
  files: string[];
  diagnostics: { code: string; severity: string; file: string; line: number; column: number; message: string }[];
}

async function json(args: string[]): Promise<{ code: number; report: Report }> {
  const run = await runCli(['validate', '--format', 'json', ...args]);
  expect(run.stderr).toBe('');
  return { code: run.code, report: JSON.parse(run.stdout) as Report };
}

describe('logferry validate --fargate with classic files', () => {
  it('checks the files together as one Fargate configuration', async () => {
    const files = ['filters.conf', 'output.conf', 'parsers.conf'].map((f) => `${CONF}/${f}`);
    const run = await runCli(['validate', '--fargate', ...files]);
    expect(run).toEqual({ code: 0, stdout: 'ok: 3 files checked, no problems\n', stderr: '' });
    // Without --fargate the filters file is a main file of its own, without the parsers of parsers.conf.
    expect((await json([`${CONF}/filters.conf`])).report.diagnostics.map((d) => d.code)).toEqual(['unknown-parser']);
  });

  it('builds the plan Fargate runs: its tail input, the parsers file, Kube_Meta_Cache_TTL 30m', () => {
    const result = validateFargateFiles(['filters.conf', 'output.conf', 'parsers.conf'].map((f) => `${CONF}/${f}`), { cwd: REPO_ROOT });
    expect(result.ok).toBe(true);
    const plan = result.plans[0]!;
    expect(plan.inputs.map((i) => [i.plugin, i.options.tag, i.options['path'], i.options.mem_buf_limit, i.options['buffer_max_size']])).toEqual([
      ['tail', 'kube.*', ['/var/log/containers/*.log'], 45_000_000, 66_000],
    ]);
    expect(plan.filters.map((f) => f.plugin)).toEqual(['parser', 'kubernetes']);
    expect(plan.filters[1]!.options['kube_meta_cache_ttl']).toBe(30 * 60 * 1000);
    expect([...plan.parsers.keys()]).toEqual(['crio']);
    expect((planToJson(plan) as { service: { parsers_file: string[] } }).service.parsers_file).toEqual(['parsers.conf']);
  });

  it('reports sections, commands and plugins Fargate rejects', async () => {
    const { code, report } = await json(['--fargate', `${CONF}/ec2-main.conf`]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual([
      '2:1 fargate-section-not-allowed',
      '5:1 fargate-section-not-allowed',
      '10:10 fargate-section-not-allowed',
      '13:11 fargate-plugin-not-allowed',
    ]);
    expect(report.diagnostics[2]!.message).toBe('@INCLUDE is not allowed in a Fargate configuration; Fargate accepts only [FILTER], [OUTPUT] and [PARSER] sections');
  });

  it('counts the total length of the files against the 5,300-character limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-fargate-'));
    const out = join(dir, 'output.conf');
    const output = '[OUTPUT]\n    Name kinesis_firehose\n    Match *\n    region eu-west-1\n    delivery_stream s\n';
    writeFileSync(out, `${'# padding\n'.repeat(521)}${output}`);
    expect(5210 + output.length).toBe(5300);
    expect(validateFargateFiles([out], { cwd: dir }).diagnostics).toEqual([]);
    const filters = join(dir, 'filters.conf');
    writeFileSync(filters, '# é\n');
    const over = validateFargateFiles([out, filters], { cwd: dir });
    expect(over.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['fargate-too-large', 'output.conf', 1]]);
    expect(over.diagnostics[0]!.message).toBe('the configuration is 5,304 characters; Fargate accepts at most 5,300');
  });

  it('refuses a YAML file without a ConfigMap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-fargate-'));
    const file = join(dir, 'fluent-bit.yaml');
    writeFileSync(file, 'pipeline:\n  outputs:\n    - name: stdout\n      match: "*"\n');
    const run = await runCli(['validate', '--fargate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('holds no Kubernetes ConfigMap');
  });
});

describe('logferry validate with Kubernetes manifests', () => {
  it('reports other ConfigMaps as not checked, and checks them with the Fargate rules under --fargate', async () => {
    const file = 'fixtures/fargate/invalid/configmap-not-checked.yaml';
    const plain = await json([file]);
    expect(plain.code).toBe(0);
    expect(plain.report.diagnostics.map((d) => [d.severity, d.code])).toEqual([['info', 'configmap-not-checked']]);
    const forced = await json(['--fargate', file]);
    expect(forced.code).toBe(1);
    expect(forced.report.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual([
      '6:9 fargate-namespace',
      '7:14 fargate-namespace',
      '8:1 fargate-no-output',
      '9:3 fargate-key-not-allowed',
      '10:3 fargate-key-not-allowed',
    ]);
  });

  it('checks the Container Insights ConfigMap as the configuration its data keys form, as the files would be', async () => {
    const env = ['AWS_REGION=us-east-1', 'CLUSTER_NAME=demo', 'HOST_NAME=node-1', 'READ_FROM_HEAD=Off', 'READ_FROM_TAIL=On', 'HTTP_SERVER=On', 'HTTP_PORT=2020'].flatMap((e) => ['--env', e]);
    const manifest = await json([...env, 'fixtures/container-insights/fluent-bit.yaml']);
    const files = await json([...env, 'fixtures/container-insights/fluent-bit.conf']);
    expect(manifest.code).toBe(files.code);
    expect(manifest.report.files).toEqual(['fixtures/container-insights/fluent-bit.yaml']);
    expect(manifest.report.diagnostics.every((d) => d.file === 'fixtures/container-insights/fluent-bit.yaml')).toBe(true);
    // The same problems (the files are the data keys, de-indented) at the same places in the manifest.
    const text = readFileSync(join(REPO_ROOT, 'fixtures/container-insights/fluent-bit.yaml'), 'utf8').split('\n');
    const fileLine = (d: Report['diagnostics'][number]) => readFileSync(join(REPO_ROOT, d.file), 'utf8').split('\n')[d.line - 1]!;
    expect(manifest.report.diagnostics.map((d) => [d.code, d.message, text[d.line - 1]!.slice(4), d.column - 4])).toEqual(
      files.report.diagnostics.map((d) => [d.code, d.message, fileLine(d), d.column]),
    );
    // Without the DaemonSet's variables, the empty region is an error, reported in the manifest.
    const bare = await json(['fixtures/container-insights/fluent-bit.yaml']);
    expect(bare.code).toBe(1);
    expect(bare.report.diagnostics.filter((d) => d.code === 'missing-required').map((d) => `${d.line}:${d.column}`)).toEqual(['120:29', '166:29', '225:29']);
  });

  it('--main names the data key of the main file; a ConfigMap without it is not checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-configmap-'));
    const file = join(dir, 'cm.yaml');
    const conf = (body: string) => body.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: agent\ndata:\n  main.conf: |\n${conf('[SERVICE]\n    Parsers_File extra/parsers.conf\n@INCLUDE out.conf\n[INPUT]\n    Name dummy\n    Tag  a\n')}  out.conf: |\n${conf('[OUTPUT]\n    Name  stdout\n    Match b\n')}`,
    );
    const plain = await json([file]);
    expect(plain.report.diagnostics.map((d) => d.code)).toEqual(['configmap-not-checked']);
    const main = await json(['--main', 'main.conf', file]);
    // A missing Parsers_File is a warning (Fluent Bit logs it and starts anyway).
    expect(main.code).toBe(0);
    expect(main.report.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`)).toEqual([
      '8:9 warning include-not-found',
      '10:5 warning unrouted-input',
      '16:9 warning unmatched-route',
    ]);
    expect(main.report.diagnostics[0]!.message).toBe('Parsers_File extra/parsers.conf: file not found; Fluent Bit logs an error and starts without the parsers it would define');
  });

  it('validates manifests and classic files in one run', async () => {
    const { code, report } = await json(['fixtures/fargate/valid/cloudwatch.yaml', 'fixtures/configs/valid/dummy-stdout.conf', 'fixtures/fargate/invalid/fargate-no-output.yaml']);
    expect(code).toBe(1);
    expect(report.files).toEqual(['fixtures/fargate/valid/cloudwatch.yaml', 'fixtures/configs/valid/dummy-stdout.conf', 'fixtures/fargate/invalid/fargate-no-output.yaml']);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['fargate-no-output']);
  });
});
