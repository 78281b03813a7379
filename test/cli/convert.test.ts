import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir('logferry-cli-convert-');

describe('logferry convert', () => {
  it('prints the YAML form of a classic config on stdout, and it validates to the same result', async () => {
    const run = await runCli(['convert', 'fixtures/configs/valid/tail-cri-cloudwatch.conf', '--to', 'yaml']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pipeline:\n  inputs:\n    - Name: tail\n');
    const out = tmp.write('out.yaml', run.stdout);
    expect(await runCli(['validate', out])).toMatchObject({ code: 0, stdout: 'ok: 1 file checked, no problems\n' });
  });

  it('writes a classic config and its parsers file next to -o FILE, referenced by Parsers_File', async () => {
    const out = join(tmp.path, 'fluent-bit.conf');
    const run = await runCli(['convert', 'fixtures/configs/valid-yaml/all-filters.yaml', '--to', 'classic', '-o', out]);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(out, 'utf8')).toContain('[SERVICE]\n    Parsers_File fluent-bit-parsers.conf\n');
    expect(readFileSync(join(tmp.path, 'fluent-bit-parsers.conf'), 'utf8')).toContain('[MULTILINE_PARSER]\n    name multiline-java\n');
    const check = await runCli(['validate', out], undefined, tmp.path);
    expect(check).toMatchObject({ code: 0, stdout: 'ok: 2 files checked, no problems\n' });
  });

  it('needs -o to convert parsers to classic', async () => {
    const run = await runCli(['convert', 'fixtures/configs/valid-yaml/all-filters.yaml', '--to', 'classic']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('give -o FILE');
  });

  it('prints what the target format cannot hold on stderr and still converts', async () => {
    const run = await runCli(['convert', 'fixtures/configs/valid-yaml/processors.yaml', '--to', 'classic']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[INPUT]\n    name tail\n');
    expect(run.stderr).toContain("warning[lossy-conversion]: processors have no classic form; processors.logs processor 'grep' is not converted");
  });

  it('exits 1 with the read errors when the config cannot be read completely, and writes nothing', async () => {
    const out = join(tmp.path, 'out.yaml');
    const run = await runCli(['convert', 'fixtures/configs/invalid/include-not-found.conf', '--to', 'yaml', '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[include-not-found]');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 for usage errors, with a message on stderr', async () => {
    for (const args of [
      ['convert'],
      ['convert', 'fixtures/configs/valid/dummy-stdout.conf'],
      ['convert', 'fixtures/configs/valid/dummy-stdout.conf', '--to', 'json'],
      ['convert', 'fixtures/configs/valid/dummy-stdout.conf', 'x.conf', '--to', 'yaml'],
      ['convert', 'no/such.conf', '--to', 'yaml'],
      ['convert', 'fixtures/configs/valid/dummy-stdout.conf', '--to', 'yaml', '--env', 'X'],
      ['convert', 'fixtures/configs/valid/dummy-stdout.conf', '--to', 'yaml', '--bogus'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.length, args.join(' ')).toBeGreaterThan(0);
      expect(run.stdout).toBe('');
    }
  });

  it('documents the conversion rules in --help, and is listed in the main help', async () => {
    const help = await runCli(['convert', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('-parsers.conf');
    expect(help.stdout).toContain('inlined');
    expect((await runCli(['help'])).stdout).toContain('convert <config> --to yaml|classic');
  });
});
