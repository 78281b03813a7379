import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const VALID = 'fixtures/configs/valid/dummy-stdout.conf';
const INVALID = 'fixtures/configs/invalid/unknown-key-typo.conf';

describe('logferry validate', () => {
  it('exits 0 and prints a one-line summary for a clean config', async () => {
    const run = await runCli(['validate', VALID]);
    expect(run).toEqual({ code: 0, stdout: 'ok: 1 file checked, no problems\n', stderr: '' });
  });

  it('prints the JSON report: files and diagnostics with positions', async () => {
    const run = await runCli(['validate', '--format', 'json', INVALID]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { files: string[]; diagnostics: Record<string, unknown>[] };
    expect(report.files).toEqual([INVALID]);
    expect(report.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'unknown-key',
        message: "unknown key 'Mem_Buf_Limt' in [INPUT] tail",
        file: INVALID,
        line: 4,
        column: 5,
        endLine: 4,
        endColumn: 17,
        hint: "did you mean 'Mem_Buf_Limit'?",
      },
    ]);
  });

  it('validates several configs in one run and reports all of them', async () => {
    const run = await runCli(['validate', '--format', 'json', VALID, INVALID, 'fixtures/configs/invalid/missing-name.conf']);
    const report = JSON.parse(run.stdout) as { files: string[]; diagnostics: { code: string }[] };
    expect(run.code).toBe(1);
    expect(report.files).toHaveLength(3);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['unknown-key', 'missing-name']);
  });

  it('--env sets variables over the environment; --deny-warnings turns warnings into failure', async () => {
    const conf = 'fixtures/configs/invalid/undefined-variable.conf';
    const bare = await runCli(['validate', conf]);
    expect(bare.code).toBe(1);
    const withEnv = await runCli(['validate', '--env', 'AWS_REGION=eu-west-1', '--env', 'CLUSTER_NAME=c', '--env', 'HOST_NAME=h', conf]);
    expect(withEnv.code).toBe(0);
    expect(withEnv.stdout).toBe('ok: 1 file checked, no problems\n');
    const warningsOnly = await runCli(['validate', 'fixtures/configs/invalid/unrouted-input.conf']);
    expect(warningsOnly.code).toBe(0);
    expect((await runCli(['validate', '--deny-warnings', 'fixtures/configs/invalid/unrouted-input.conf'])).code).toBe(1);
  });

  it('exits 2 for usage errors, with a message on stderr', async () => {
    for (const args of [['validate'], ['validate', '--format', 'xml', VALID], ['validate', '--env', 'NOEQUALS', VALID], ['frobnicate']]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.length, args.join(' ')).toBeGreaterThan(0);
      expect(run.stdout).toBe('');
    }
  });

  it('exits 2 for an unreadable argument, reported as a diagnostic after checking every other one', async () => {
    const run = await runCli(['validate', 'no/such/file.conf', 'fixtures', 'fixtures/configs/invalid/unknown-key-typo.conf']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("no/such/file.conf:1:1: error[unreadable-file]: cannot read 'no/such/file.conf': no such file");
    expect(run.stdout).toContain("fixtures:1:1: error[unreadable-file]: cannot read 'fixtures': it is a directory");
    expect(run.stdout).toContain("error[unknown-key]: unknown key 'Mem_Buf_Limt'");
    expect(run.stdout).toMatch(/failed: 3 errors, 0 warnings in 3 files\n$/);
    const json = await runCli(['validate', '--format', 'json', VALID, 'no/such/file.conf']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: [VALID, 'no/such/file.conf'], diagnostics: [{ code: 'unreadable-file', file: 'no/such/file.conf' }] });
  });

  it('prints help and the version', async () => {
    expect((await runCli(['validate', '--help'])).stdout).toContain('usage: logferry validate');
    expect((await runCli(['version'])).stdout).toMatch(/^logferry \d+\.\d+\.\d+\n$/);
  });
});
