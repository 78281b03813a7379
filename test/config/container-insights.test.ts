import { describe, expect, it } from 'vitest';
import { convertConfig } from '../../src/config/format/convert.js';
import { planToJson } from '../../src/config/plan/to-json.js';
import { validateConfig } from '../../src/config/validate.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

/** The variables AWS's Container Insights DaemonSet sets for these configs. */
const ENV = {
  AWS_REGION: 'us-east-1',
  CLUSTER_NAME: 'demo-cluster',
  HOST_NAME: 'ip-10-0-0-1.ec2.internal',
  READ_FROM_HEAD: 'Off',
  READ_FROM_TAIL: 'Off',
  HTTP_SERVER: 'On',
  HTTP_PORT: '2020',
  HOSTNAME: 'fluent-bit-abcde',
};

describe('AWS Container Insights configs (fixtures/container-insights)', () => {
  const result = validateConfig('fixtures/container-insights/fluent-bit.conf', { env: ENV, cwd: REPO_ROOT });

  it('validate with no error and no warning: every plugin of the set runs (the aws filter and the systemd input included)', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity === 'warning')).toEqual([]);
  });

  it('reads the main file, its three includes and the parsers file', () => {
    expect(result.files).toEqual([
      'fixtures/container-insights/fluent-bit.conf',
      'fixtures/container-insights/application-log.conf',
      'fixtures/container-insights/dataplane-log.conf',
      'fixtures/container-insights/host-log.conf',
      'fixtures/container-insights/parsers.conf',
    ]);
  });

  it('builds the plan AWS intends: tail inputs with their tags, CloudWatch outputs per log group', () => {
    const { plan } = result;
    expect(plan.service.flush).toBe(5000);
    expect(plan.service.http_server).toBe(true);
    const tails = plan.inputs.filter((i) => i.plugin === 'tail');
    expect(tails.map((i) => i.options.tag)).toContain('application.*');
    const app = tails.find((i) => i.options.tag === 'application.*')!;
    expect(app.options.mem_buf_limit).toBe(50_000_000);
    expect(app.options['read_from_head']).toBe(false);
    const groups = plan.outputs.filter((o) => o.plugin === 'cloudwatch_logs').map((o) => o.options['log_group_name']);
    expect(groups).toEqual([
      '/aws/containerinsights/demo-cluster/application',
      '/aws/containerinsights/demo-cluster/dataplane',
      '/aws/containerinsights/demo-cluster/host',
    ]);
    expect([...plan.parsers.keys()]).toEqual(expect.arrayContaining(['syslog', 'container_firstline', 'cwagent_firstline']));
  });

  it('without the variables, every reference is reported and the required region is missing', () => {
    const bare = validateConfig('fixtures/container-insights/fluent-bit.conf', { env: { HOSTNAME: 'x' }, cwd: REPO_ROOT });
    const undefinedVars = new Set(bare.diagnostics.filter((d) => d.code === 'undefined-variable').map((d) => d.message.match(/\$\{(\w+)\}/)?.[1]));
    expect(undefinedVars).toEqual(new Set(['AWS_REGION', 'CLUSTER_NAME', 'HOST_NAME', 'READ_FROM_HEAD', 'READ_FROM_TAIL', 'HTTP_SERVER', 'HTTP_PORT']));
    expect(bare.diagnostics.filter((d) => d.code === 'missing-required').length).toBeGreaterThanOrEqual(3);
  });

  it('the CLI exits 0 with --env (also with --deny-warnings) and 1 without', async () => {
    const args = Object.entries(ENV).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    expect((await runCli(['validate', ...args, 'fixtures/container-insights/fluent-bit.conf'])).code).toBe(0);
    expect((await runCli(['validate', 'fixtures/container-insights/fluent-bit.conf'])).code).toBe(1);
    expect((await runCli(['validate', '--deny-warnings', ...args, 'fixtures/container-insights/fluent-bit.conf'])).code).toBe(0);
  });

  describe('converted to YAML and back', () => {
    const tmp = useTempDir('logferry-ci-');
    /** The plan without file names, positions and the Parsers_File the conversion inlines. */
    const comparable = (plan: typeof result.plan) =>
      JSON.stringify(planToJson(plan), (k, v: unknown) => (k === 'at' || k === 'main' || k === 'files' || k === 'parsers_file' ? undefined : v));

    it('gives the same plan and the same diagnostics', () => {
      const yaml = convertConfig('fixtures/container-insights/fluent-bit.conf', { to: 'yaml', env: ENV, cwd: REPO_ROOT });
      expect(yaml.diagnostics).toEqual([]);
      const yamlResult = validateConfig(tmp.write('fluent-bit.yaml', yaml.text), { env: ENV, cwd: tmp.path });
      expect(comparable(yamlResult.plan)).toBe(comparable(result.plan));
      expect(yamlResult.diagnostics.map((d) => d.message).sort()).toEqual(result.diagnostics.map((d) => d.message).sort());

      const classic = convertConfig(`${tmp.path}/fluent-bit.yaml`, { to: 'classic', env: ENV, cwd: tmp.path, parsersFile: 'again-parsers.conf' });
      tmp.write('again-parsers.conf', classic.parsers ?? '');
      const again = validateConfig(tmp.write('again.conf', classic.text), { env: ENV, cwd: tmp.path });
      expect(comparable(again.plan)).toBe(comparable(result.plan));
    });
  });
});
