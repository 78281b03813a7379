import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

interface JsonReport {
  files: string[];
  diagnostics: { severity: string; code: string; message: string; file: string; line: number; column: number; hint?: string }[];
}

const OUTPUT = '[INPUT]\n    Name dummy\n\n[OUTPUT]\n    Name  null\n    Match *\n';

describe('logferry validate on hostile input: bounded, with diagnostics', () => {
  const dir = useTempDir('logferry-hostile-');

  // A separate process: before the fix these read /dev/zero without end, blocked on the FIFO,
  // ran out of memory on the 50 MB line and aborted on the deep YAML.
  it('refuses special files, a line over Fluent Bit\'s 32 MiB limit and deep YAML, in one bounded run', () => {
    const zero = dir.write('zero.conf', `@INCLUDE /dev/zero\n${OUTPUT}`);
    const fifo = join(dir.path, 'pipe.conf');
    execFileSync('mkfifo', [fifo]);
    const fifoMain = dir.write('fifo.conf', `${OUTPUT}@INCLUDE ${fifo}\n`);
    writeFileSync(join(dir.path, 'long.conf'), `[FILTER]\n    Name grep\n    Regex log ${'x'.repeat(50_000_000)}\n`);
    const long = dir.write('long-main.conf', `${OUTPUT}@INCLUDE long.conf\n`);
    const depth = 6000;
    const deep = dir.write('deep.yaml', `pipeline:\n  inputs:\n    - name: dummy\n      tag: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'validate', '--format', 'json', zero, fifoMain, long, deep], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const found = report.diagnostics.map((d) => [d.code, d.file, d.line, d.message]);
    expect(found).toEqual([
      ['unreadable-file', zero, 1, "cannot read '/dev/zero': a character device, not a regular file"],
      ['unreadable-file', fifoMain, 7, `cannot read '${fifo}': a FIFO, not a regular file`],
      ['unreadable-file', join(dir.path, 'long.conf'), 3, `cannot read '${join(dir.path, 'long.conf')}': line 3 is 32 MiB or longer; Fluent Bit reads classic lines up to 32 MiB`],
      ['syntax-error', deep, 4, 'YAML nested more than 256 levels deep; logferry reads no further'],
    ]);
    // A special file is reported at the @INCLUDE naming it; a long line where it is.
    expect(report.diagnostics[0]).toMatchObject({ line: 1, column: 10 });
    expect(report.diagnostics[2]!.hint).toContain('reading line is exceeded to the limit size of 33554432');
  }, 150_000);

  it('answers an @INCLUDE glob of more than 10,000 characters with a diagnostic, not an internal error', async () => {
    const main = dir.write('main.conf', `${OUTPUT}@INCLUDE /tmp/{${Array.from({ length: 2000 }, (_, i) => `a${i}`).join(',')}}*.conf\n`);
    for (const format of ['json', 'sarif']) {
      const run = await runCli(['validate', '--format', format, main]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      expect(() => JSON.parse(run.stdout)).not.toThrow();
    }
    const report = JSON.parse((await runCli(['validate', '--format', 'json', main])).stdout) as JsonReport;
    expect(report.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['include-not-found', 7, 10]]);
    expect(report.diagnostics[0]!.message).toContain('paths are at most 4096 (PATH_MAX)');
    expect(report.diagnostics[0]!.message.length).toBeLessThan(300);
  });

  it('reads braces in an @INCLUDE glob literally, as glob(3) without GLOB_BRACE does', async () => {
    dir.write('inc/a1.conf', '[OUTPUT]\n    Name  null\n    Match *\n');
    dir.write('inc/b1.conf', '[OUTPUT]\n    Name  null\n    Match *\n');
    const main = dir.write('main.conf', '[INPUT]\n    Name dummy\n@INCLUDE inc/{a,b}*.conf\n');
    const report = JSON.parse((await runCli(['validate', '--format', 'json', main])).stdout) as JsonReport;
    expect(report.diagnostics.map((d) => [d.code, d.message])).toEqual([['include-not-found', '@INCLUDE inc/{a,b}*.conf: no file matches']]);
  });

  it('refuses a configuration larger than 8 MiB at the line where it goes past', async () => {
    const line = '    # padding padding padding padding padding padding padding padding padding padding\n';
    const main = dir.write('big.conf', `${OUTPUT}${line.repeat(Math.ceil((9 * 1024 * 1024) / line.length))}`);
    const report = JSON.parse((await runCli(['validate', '--format', 'json', main])).stdout) as JsonReport;
    const past = Math.ceil((8 * 1024 * 1024 - OUTPUT.length) / line.length) + 6;
    expect(report.diagnostics.map((d) => [d.code, d.line])).toEqual([['unreadable-file', past]]);
    expect(report.diagnostics[0]!.message).toContain(`goes past 8 MiB at line ${past}`);
  });

  it('reads --fargate files and manifests within the same size limit, saying why', async () => {
    const big = dir.write('output.conf', `${OUTPUT}${'    # padding\n'.repeat(700_000)}`);
    const report = JSON.parse((await runCli(['validate', '--fargate', '--format', 'json', big])).stdout) as JsonReport;
    const past = Math.floor((8 * 1024 * 1024 - OUTPUT.length) / 14) + 7;
    expect(report.diagnostics.map((d) => [d.code, d.message])).toContainEqual(['unreadable-file', `cannot read '${big}': the configuration goes past 8 MiB at line ${past}`]);
  });

  it('refuses a Regex too long to translate in bounded time, quoting only part of it', async () => {
    dir.write('parsers.conf', `[PARSER]\n    Name  big\n    Format regex\n    Regex ^(?<a>${'a'.repeat(100_000)})$\n`);
    const alternatives = Array.from({ length: 2049 }, (_, i) => `w${i}`).join('|');
    dir.write('parsers2.conf', `[PARSER]\n    Name  many\n    Format regex\n    Regex ^(?<a>${alternatives})$\n`);
    const main = dir.write('main.conf', `[SERVICE]\n    Parsers_File parsers.conf\n    Parsers_File parsers2.conf\n${OUTPUT}`);
    const run = await runCli(['validate', '--format', 'json', main]);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['invalid-regex', 4],
      ['invalid-regex', 4],
    ]);
    expect(report.diagnostics[0]!.message).toContain('the pattern is 100,008 characters long; logferry translates patterns up to 32,768');
    expect(report.diagnostics[1]!.message).toContain('the pattern has 2,049 alternatives; logferry translates patterns with up to 2,048');
    expect(run.stdout.length).toBeLessThan(10_000);
  });

  // Found by the fuzz property: the line without a value damages the section, which skips the
  // missing-required report; tail's cross-key rules then read the missing Path and threw.
  it('does not run cross-key rules of a damaged section that lacks a required key', async () => {
    const main = dir.write('main.conf', '[INPUT]\n    Name   tail\n    *\n');
    const run = await runCli(['validate', '--format', 'json', main]);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as JsonReport).diagnostics.map((d) => [d.code, d.line])).toEqual([['syntax-error', 3]]);
  });

  // Found by the fuzz property: a plugin name of 200,000 characters was compared with every plugin
  // name by edit distance (its length times theirs, for each), for 20 s.
  // The bound is generous: it takes well under a second now, and took 40 s before.
  it('looks for no did-you-mean suggestion for a name no one could have misspelt', async () => {
    const main = dir.write('main.conf', `[INPUT]\n    Name dummy    Key ${'x'.repeat(400_000)}\n[OUTPUT]\n    Name  null\n    Match *\n`);
    const report = JSON.parse((await runCli(['validate', '--format', 'json', main])).stdout) as JsonReport;
    expect(report.diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([['unknown-plugin', 2, undefined]]);
  }, 15_000);
});
