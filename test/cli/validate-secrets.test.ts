import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

/** Every value here is a secret: none may appear in any output. */
const SECRETS = ['hunter2-misspelt', 'hunter2-first', 'hunter2-second', 'tok-abc123', 'tok-typo', 'keypw-999', 'AKIASECRETXYZ', 'sess-tok-777', 'nospace-pw', 'env-secret-555', 'yaml-pw-1', 'yaml-tok-2'];

const CLASSIC = `[INPUT]
    Name dummy
    Tag  app

[OUTPUT]
    Name        http
    Match       *
    Host        127.0.0.1
    HTTP_User   admin
    HTTP_Paswd  hunter2-misspelt
    HTTP_Passwd hunter2-first
    HTTP_Passwd hunter2-second
    Header      Authorization Bearer tok-abc123
    Headr       Authorization Bearer tok-typo
    tls.key_passwd keypw-999
    tls.key_pasword keypw-999
    Port        \${HTTP_PASSWORD}

[OUTPUT]
    Name  cloudwatch_logs
    Match *
    region us-east-1
    log_group_name g
    log_stream_prefix p
    aws_secret_access_key AKIASECRETXYZ
    aws_session_tokn sess-tok-777
    HTTP_Passwd=nospace-pw
`;

const YAML = `pipeline:
  inputs:
    - name: dummy
  outputs:
    - name: http
      match: "*"
      http_paswd: yaml-pw-1
      headr: "Authorization: Bearer yaml-tok-2"
`;

const ENV = { HOSTNAME: 'test-host', HTTP_PASSWORD: 'env-secret-555' };

function expectNoSecret(output: string): void {
  for (const secret of SECRETS) expect(output, `'${secret}' is echoed`).not.toContain(secret);
}

describe('diagnostics never echo secret values', () => {
  const dir = useTempDir('logferry-secrets-');

  it('validate masks them in text, JSON and SARIF, and still points at every problem', async () => {
    const conf = dir.write('fluent-bit.conf', CLASSIC);
    const yaml = dir.write('fluent-bit.yaml', YAML);
    const text = await runCli(['validate', conf, yaml], ENV);
    expectNoSecret(text.stdout);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('10 |     HTTP_Paswd  ****\n');
    expect(text.stdout).toContain('12 |     HTTP_Passwd ****\n');
    expect(text.stdout).toContain('14 |     Headr       Authorization ****\n');
    expect(text.stdout).toContain('25 |     aws_secret_access_key ****\n');
    expect(text.stdout).toContain("key 'HTTP_Passwd=****' has no value");
    expect(text.stdout).toContain("Port: '****' is not an integer");
    expect(text.stdout).toContain('7 |       http_paswd: ****\n');
    for (const format of ['json', 'sarif']) {
      const run = await runCli(['validate', '--format', format, conf, yaml], ENV);
      expectNoSecret(run.stdout);
      expect(() => JSON.parse(run.stdout)).not.toThrow();
    }
    const json = JSON.parse((await runCli(['validate', '--format', 'json', conf, yaml], ENV)).stdout) as { diagnostics: { code: string; line: number }[] };
    expect(json.diagnostics.map((d) => [d.code, d.line])).toEqual(
      expect.arrayContaining([
        ['unknown-key', 10],
        ['duplicate-key', 12],
        ['unknown-key', 14],
        ['unknown-key', 16],
        ['invalid-value', 17],
        ['unknown-key', 25],
        ['unknown-key', 26],
        ['syntax-error', 27],
        ['unknown-key', 7],
        ['unknown-key', 8],
      ]),
    );
  });

  it('run prints its start-up diagnostics masked', async () => {
    const conf = dir.write('fluent-bit.conf', CLASSIC);
    const run = await runCli(['run', '-c', conf], ENV);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP_Paswd  ****');
    expectNoSecret(run.stdout + run.stderr);
  });

  it('leaves values of other keys as they are', async () => {
    const conf = dir.write('fluent-bit.conf', '[INPUT]\n    Name dummy\n    Tagg my-tag-value\n[OUTPUT]\n    Name  null\n    Match *\n    Time_Key  taken\n');
    const run = await runCli(['validate', conf], ENV);
    expect(run.stdout).toContain('3 |     Tagg my-tag-value\n');
  });
});
