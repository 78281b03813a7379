import { describe, expect, it } from 'vitest';
import type { Entry, Section } from '../../../src/config/document/model.js';
import { loadConfig } from '../../../src/config/resolve/load.js';
import { validateConfig } from '../../../src/config/validate.js';
import { checkTarget } from '../../../src/config/versions/check.js';
import { resolveTarget, type FluentBitTarget } from '../../../src/config/versions/target.js';
import { runCli } from '../../support/cli.js';
import { useTempDir } from '../../support/temp-dir.js';

const dir = useTempDir('logferry-versions-');

function target(name: string, source: FluentBitTarget['source'] = 'option'): FluentBitTarget {
  const t = resolveTarget(name, source);
  if ('error' in t) throw new Error(t.error);
  return t;
}

/** `line:severity:code message` of every diagnostic of a config checked for a target. */
function check(file: string, text: string, name: string, source: FluentBitTarget['source'] = 'option'): string[] {
  const path = dir.write(file, text);
  return validateConfig(path, { env: { HOSTNAME: 'h' }, target: target(name, source) }).diagnostics.map((d) => `${d.line}:${d.severity}:${d.code} ${d.message}`);
}

const OUTPUT = '[OUTPUT]\n    Name  null\n    Match *\n';

describe('checking a configuration for a Fluent Bit release', () => {
  it('reports [SERVICE] keys of another release as warnings (Fluent Bit ignores them)', () => {
    expect(check('a.conf', `[SERVICE]\n    flush.adaptive on\n[INPUT]\n    Name dummy\n${OUTPUT}`, '4.2')).toEqual([
      "2:warning:fluent-bit-version [SERVICE] key 'flush.adaptive' appeared in Fluent Bit 5.1; the target is Fluent Bit 4.2.8, which ignores it",
    ]);
  });

  it('checks common keys and net. keys of plugins logferry runs by release: net.keepalive is known everywhere, tls.ciphers from 4.0', () => {
    const conf = `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name  http\n    Match *\n    net.keepalive off\n    tls.ciphers HIGH\n`;
    const versioned = (name: string) => check('a.conf', conf, name).filter((d) => d.includes('fluent-bit-version'));
    expect(versioned('4.0')).toEqual([]);
    expect(versioned('3.2')).toEqual(["7:error:fluent-bit-version 'tls.ciphers' appeared in Fluent Bit 4.0; the target is Fluent Bit 3.2.10"]);
  });

  it('takes any key for a plugin without a config map in the release, and leaves ${VAR} values alone', () => {
    expect(check('a.conf', `[INPUT]\n    Name fluentbit_logs\n    anything at all\n${OUTPUT}`, '5.0')).toEqual([
      "2:warning:unsupported-plugin input plugin 'fluentbit_logs' (Ingest the agent's own log messages) is not supported by logferry yet: only the target Fluent Bit's tables check its keys, and it will not run",
    ]);
    const conf = `[INPUT]\n    Name  proc\n    Proc_Name crond\n    Mem \${MEM}\n${OUTPUT}`;
    expect(check('a.conf', conf, '4.2').filter((d) => !d.includes('unsupported-plugin') && !d.includes('undefined-variable'))).toEqual([]);
    expect(check('a.conf', `[INPUT]\n    Name  proc\n    Proc_Name crond\n    Mem sometimes\n${OUTPUT}`, '4.2')).toContain(
      "4:error:invalid-value 'Mem' of input plugin 'proc' must be a boolean (on/off, true/false, yes/no), not 'sometimes'",
    );
  });

  it('reports a plugin of a later release at its Name', () => {
    expect(check('a.conf', `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name  gcs\n    Match *\n`, '4.2')).toContain(
      "4:error:fluent-bit-version output plugin 'gcs' appeared in Fluent Bit 5.1; the target is Fluent Bit 4.2.8",
    );
  });

  it("AWS's Go outputs: fine for the aws-for-fluent-bit image, an error for a chosen Fluent Bit, nothing for the default target", () => {
    const conf = `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name  kinesis\n    Match *\n    region us-east-1\n    stream s\n`;
    const go = (name: string, source: FluentBitTarget['source'] = 'option') => check('a.conf', conf, name, source).filter((d) => d.includes('fluent-bit-version'));
    expect(go('aws-for-fluent-bit-2.32')).toEqual([]);
    expect(go('4.2')).toEqual([expect.stringMatching(/^4:error:fluent-bit-version output plugin 'kinesis' is not part of Fluent Bit \(AWS adds it/)]);
    expect(go('fluent-bit-5.1', 'default')).toEqual([]);
  });

  it('eks-fargate: only the plugins the Fargate rules allow', () => {
    const conf = `[INPUT]\n    Name dummy\n[FILTER]\n    Name  lua\n    Match *\n    script a.lua\n    call f\n[OUTPUT]\n    Name  cloudwatch_logs\n    Match *\n    region us-east-1\n    log_group_name g\n    log_stream_prefix p\n`;
    const found = check('a.conf', conf, 'eks-fargate').filter((d) => d.includes('fluent-bit-version'));
    expect(found).toEqual([
      "2:error:fluent-bit-version input plugin 'dummy' is not one eks-fargate supports (tail); the target is eks-fargate (Fluent Bit 1.9.10)",
      "4:error:fluent-bit-version filter plugin 'lua' is not one eks-fargate supports (grep, parser, record_modifier, rewrite_tag, throttle, nest, modify, kubernetes); the target is eks-fargate (Fluent Bit 1.9.10)",
    ]);
  });

  it('YAML: processors and YAML sections the release does not read are errors at their lines', () => {
    const yaml = 'parsers:\n  - name: p\n    format: json\npipeline:\n  inputs:\n    - name: dummy\n      processors:\n        logs:\n          - name: grep\n            regex: log x\n  outputs:\n    - name: null\n      match: "*"\n';
    expect(check('a.yaml', yaml, '2.0').filter((d) => d.includes('fluent-bit-version'))).toEqual([
      "2:error:fluent-bit-version YAML section 'parsers' appeared in Fluent Bit 3.2; the target is Fluent Bit 2.0.14",
      "9:error:fluent-bit-version 'processors' appeared in Fluent Bit 2.1; the target is Fluent Bit 2.0.14",
    ]);
    expect(check('a.yaml', yaml, '3.2').filter((d) => d.includes('fluent-bit-version'))).toEqual([]);
    // A filter logferry does not run, used as a processor, takes the release's filter keys.
    const typo = yaml.replace('- name: grep\n            regex: log x', '- name: type_converter\n            int_kee: a b c').replace('parsers:\n  - name: p\n    format: json\n', '');
    expect(check('b.yaml', typo, '3.2').filter((d) => d.includes("'int_kee'"))).toEqual([
      "7:error:unknown-key unknown key 'int_kee' for filter plugin 'type_converter' in Fluent Bit 3.2.10; did you mean 'int_key'?",
    ]);
  });
});

describe('YAML routes (4.2): an input whose reader kept its nested routes', () => {
  it("is an error for a release before 4.2, at the 'routes' key", () => {
    const path = dir.write('r.yaml', 'pipeline:\n  inputs:\n    - name: dummy\n  outputs:\n    - name: stdout\n      match: "*"\n');
    const loaded = loadConfig(path, { env: { HOSTNAME: 'h' } });
    // The reader of this branch refuses a nested `routes`; the routing work keeps it as a nested entry.
    const input = loaded.sections.find((x) => x.kind === 'input')!;
    const at = input.entries[0]!;
    const routes: Entry = { ...at, key: 'routes', value: 'logs: []', nested: true };
    const withRoutes: Section = { ...input, entries: [...input.entries, routes] };
    const config = { ...loaded, sections: loaded.sections.map((x) => (x === input ? withRoutes : x)) };
    expect(checkTarget(config, target('4.1')).map((d) => `${d.line}:${d.code} ${d.message}`)).toEqual([
      `${at.keySpan.start.line}:fluent-bit-version 'routes' appeared in Fluent Bit 4.2; the target is Fluent Bit 4.1.2`,
    ]);
    expect(checkTarget(config, target('4.2'))).toEqual([]);
  });
});

describe('validate: where the target comes from', () => {
  const conf = `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name   file\n    Match  *\n    Path   /tmp\n    rotate on\n`;

  it('defaults to 5.1, named in the JSON report and in --help', async () => {
    const file = dir.write('a.conf', conf);
    const run = await runCli(['validate', '--format', 'json', file], { HOSTNAME: 'h' });
    expect(JSON.parse(run.stdout)).toMatchObject({ diagnostics: [], target: 'Fluent Bit 5.1.1 (the default)' });
    expect((await runCli(['validate', file], { HOSTNAME: 'h' })).stdout).toBe('ok: 1 file checked, no problems\n');
    expect((await runCli(['validate', '--help'])).stdout).toContain('else fluent-bit-5.1 (the default)');
  });

  it('takes the environment, else a .fluent-bit-version file next to the config or in a parent; the option wins', async () => {
    const file = dir.write('configs/app/a.conf', conf);
    const env = { HOSTNAME: 'h', LOGFERRY_FLUENT_BIT_VERSION: 'fluent-bit-4.2' };
    expect((await runCli(['validate', file], env)).stdout).toMatch(/failed: 1 error, 0 warnings in 1 file; target: Fluent Bit 4\.2\.8, from environment\n$/);
    const pinned = dir.write('configs/.fluent-bit-version', '# the DaemonSet image\naws-for-fluent-bit-2.32\n');
    const fromFile = await runCli(['validate', file], { HOSTNAME: 'h' });
    expect(fromFile.stdout).toContain(`target: aws-for-fluent-bit-2.32 (Fluent Bit 1.9.10), from ${pinned}\n`);
    expect(fromFile.code).toBe(1);
    expect((await runCli(['validate', '--fluent-bit-version', '5.1.0', file], { HOSTNAME: 'h' })).stdout).toBe(
      "ok: 1 file checked, no problems; target: Fluent Bit 5.1.0 (checked with 5.1.1's tables, the last 5.1 release)\n",
    );
  });

  it('refuses a bad version, an unknown target, and both options at once (exit 2)', async () => {
    const file = dir.write('a.conf', conf);
    expect(await runCli(['validate', '--target', 'fluent-bit-9.9', file])).toMatchObject({ code: 2, stdout: '' });
    expect((await runCli(['validate', '--target', 'nope', file])).stderr).toContain("unknown target 'nope'; the targets are fluent-bit-1.9,");
    expect((await runCli(['validate', '--target', 'eks-fargate', '--fluent-bit-version', '4.2', file])).stderr).toContain('give --fluent-bit-version or --target, not both');
    dir.write('.fluent-bit-version', 'four\n');
    expect((await runCli(['validate', file], { HOSTNAME: 'h' })).stderr).toContain(".fluent-bit-version: unknown target 'four'");
  });
});
