/** A mistyped command or option gets a suggestion and the synopsis, not the whole help or Node's parseArgs text. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('usage errors', () => {
  it('suggests the command meant', async () => {
    const r = await runCli(['valdate', 'x.conf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^logferry: unknown command 'valdate'; did you mean 'validate'\?\n/);
    // The synopsis, not the whole help.
    expect(r.stderr).not.toContain('print a JSON Schema');
    expect(r.stderr.split('\n').length).toBeLessThanOrEqual(4);
  });

  it('suggests validate or -c for a file given without a command', async () => {
    const r = await runCli(['fixtures/configs/valid/dummy-stdout.conf']);
    expect(r.stderr).toMatch(
      /^logferry: unknown command 'fixtures\/configs\/valid\/dummy-stdout.conf'; did you mean 'logferry validate fixtures\/configs\/valid\/dummy-stdout.conf' or 'logferry -c fixtures\/configs\/valid\/dummy-stdout.conf'\?\n/,
    );
  });

  it('says nothing it cannot back: a word far from every command gets no suggestion', async () => {
    const r = await runCli(['zzzzzzzz']);
    expect(r.stderr).toMatch(/^logferry: unknown command 'zzzzzzzz'\n/);
  });

  it('suggests the option meant, with the command synopsis', async () => {
    const r = await runCli(['validate', '--formt', 'json', 'x.conf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "logferry validate: unknown option '--formt'; did you mean '--format'?\n" +
        `${(await runCli(['validate', '--help'])).stdout.split('\n\n')[0]}\nRun 'logferry validate --help' for more.\n`,
    );
    // Node's message ("... as in '-- \"--formt\"") never reaches the user.
    expect(r.stderr).not.toContain('positional argument');
  });

  it('names a missing value, a value given to a flag and an unexpected argument', async () => {
    expect((await runCli(['validate', 'x.conf', '--format'])).stderr).toMatch(/^logferry validate: --format needs a value\n/);
    expect((await runCli(['validate', '--format', '--deny-warnings', 'x.conf'])).stderr).toMatch(
      /^logferry validate: --format needs a value \(one starting with '-' is written --format=--deny-warnings\)\n/,
    );
    expect((await runCli(['validate', '--deny-warnings=yes', 'x.conf'])).stderr).toMatch(/^logferry validate: --deny-warnings takes no value\n/);
    expect((await runCli(['demo', 'extra'])).stderr).toMatch(/^logferry demo: unexpected argument 'extra'\n/);
    const explain = await runCli(['explain', '--kindd', 'input', 'tail']);
    expect(explain.stderr).toMatch(/did you mean '--kind'\?/);
    expect(explain.code).toBe(2);
    const schema = await runCli(['schema', 'extra']);
    expect(schema.stderr).toBe("logferry schema: unexpected argument 'extra'\nusage: logferry schema [--fluent-bit-version X.Y[.Z]]\nRun 'logferry schema --help' for more.\n");
  });

  it('keeps a valid command line working', async () => {
    const r = await runCli(['validate', '--format=json', 'fixtures/configs/valid/dummy-stdout.conf']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ diagnostics: [] });
  });
});
