import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SarifLog } from '../../src/diagnostics/format-sarif.js';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

/**
 * action.yml and .pre-commit-hooks.yaml, run as GitHub and pre-commit run them: the commands
 * they hold are executed in a workspace holding fixture configs, with `logferry` on PATH being
 * this checkout's CLI (what `npx logferry@…` and pre-commit's node environment provide).
 */
interface ActionStep {
  shell: string;
  env: Record<string, string>;
  run: string;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; steps: ActionStep[] };
}
interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
}

const NPX = 'npx --yes "logferry@$LOGFERRY_VERSION"';
const tmp = useTempDir('logferry-ci-');

/** A workspace with a failing, a warning-only and a clean config, and a `logferry` for PATH. */
function workspace(): { dir: string; path: string } {
  const dir = tmp.path;
  copyFileSync(join(REPO_ROOT, 'fixtures/configs/invalid/unknown-key-typo.conf'), join(dir, 'fluent-bit-bad.conf'));
  copyFileSync(join(REPO_ROOT, 'fixtures/configs/invalid/no-match-output.conf'), join(dir, 'fluent-bit-warn.conf'));
  copyFileSync(join(REPO_ROOT, 'fixtures/configs/valid/dummy-stdout.conf'), join(dir, 'fluent-bit.conf'));
  const bin = join(dir, '.bin');
  mkdirSync(bin, { recursive: true });
  const loader = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  tmp.write('.bin/logferry', `#!/bin/sh\nexec '${process.execPath}' --import '${loader}' '${join(REPO_ROOT, 'src/cli/entry.ts')}' "$@"\n`);
  chmodSync(join(bin, 'logferry'), 0o755);
  return { dir, path: `${bin}:${process.env['PATH'] ?? ''}` };
}

function runAction(inputs: Record<string, string>) {
  const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;
  expect(action.runs.using).toBe('composite');
  const [step] = action.runs.steps;
  expect(step!.shell).toBe('bash');
  expect(step!.run.split(NPX).length).toBe(2);
  const { dir, path } = workspace();
  // The step's env maps inputs (`${{ inputs.x }}`) to variables; GitHub fills in defaults.
  const env: Record<string, string> = { PATH: path, GITHUB_WORKSPACE: dir };
  for (const [name, expr] of Object.entries(step!.env)) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expr)![1]!;
    expect(action.inputs[input], input).toBeDefined();
    env[name] = inputs[input] ?? action.inputs[input]!.default ?? '';
  }
  for (const [name, spec] of Object.entries(action.inputs)) if (spec.required) expect(inputs[name], name).toBeDefined();
  // As the runner runs a `shell: bash` step: the script in a file, `bash --noprofile --norc -eo pipefail {0}`.
  const script = tmp.write('.step.sh', step!.run.replace(NPX, 'logferry'));
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: dir, env, encoding: 'utf8' });
  return { dir, code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('action.yml', () => {
  it('annotates the problems of the configs given (globs expanded) and fails on errors by default', () => {
    const run = runAction({ config: 'fluent-bit-b*.conf\nfluent-bit.conf' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^::error file=fluent-bit-bad\.conf,line=4,col=5,.*title=logferry unknown-key::unknown key 'Mem_Buf_Limt'/);
    expect(run.stdout).toContain('failed: 1 error, 0 warnings in 2 files');
  });

  it('fail-on: never reports but passes; warning fails on warnings', () => {
    expect(runAction({ config: 'fluent-bit-bad.conf', 'fail-on': 'never' })).toMatchObject({ code: 0, stdout: expect.stringContaining('::error file=fluent-bit-bad.conf') });
    expect(runAction({ config: 'fluent-bit-warn.conf', 'fail-on': 'warning' })).toMatchObject({ code: 1, stdout: expect.stringContaining('::warning file=fluent-bit-warn.conf') });
    expect(runAction({ config: 'fluent-bit.conf', 'fail-on': 'sometimes' })).toMatchObject({ code: 2, stdout: expect.stringContaining('fail-on must be error, warning or never') });
  });

  it('writes the SARIF file for upload-sarif also when an input cannot be read', () => {
    const run = runAction({ config: 'fluent-bit-*.conf missing.conf', format: 'sarif', output: 'logferry.sarif', 'fail-on': 'never' });
    expect(run.code).toBe(2);
    const log = JSON.parse(readFileSync(join(run.dir, 'logferry.sarif'), 'utf8')) as SarifLog;
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications!.map((n) => n.message.text)).toEqual(["cannot read 'missing.conf': no such file"]);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  it('runs logferry validate on the staged Fluent Bit configs its files pattern selects', () => {
    const hooks = parse(readFileSync(join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
    const hook = hooks.find((h) => h.id === 'logferry-validate')!;
    expect(hook.language).toBe('node');
    const files = new RegExp(hook.files);
    const staged = ['fluent-bit-bad.conf', 'fluent-bit.conf', 'deploy/fluent-bit.yaml', 'parsers.conf', 'README.md', 'notfluent-bit.conf'];
    expect(staged.filter((f) => files.test(f))).toEqual(['fluent-bit-bad.conf', 'fluent-bit.conf', 'deploy/fluent-bit.yaml']);
    const { dir, path } = workspace();
    // pre-commit runs `entry` with the selected files appended, through no shell.
    const [command, ...args] = hook.entry.split(' ');
    const run = (names: string[]) => spawnSync(command!, [...args, ...names], { cwd: dir, env: { PATH: path }, encoding: 'utf8' });
    const bad = run(['fluent-bit-bad.conf', 'fluent-bit.conf']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('fluent-bit-bad.conf:4:5: error[unknown-key]');
  });
});
