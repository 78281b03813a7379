/**
 * `logferry` without a command reads Fluent Bit's command line (src/fluent-bit.c of 4.2.8), so the
 * container commands of the official Helm chart and of AWS's manifests run it unchanged.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAGS, flagsConfigText, parseFluentBitArgs, type FluentBitArgs } from '../../src/cli/fluent-bit-args.js';
import { loadFlagsConfig } from '../../src/cli/run.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

/** Fluent Bit 4.2.8's getopt string and long_opts (src/fluent-bit.c), Linux build. */
const FB_GETOPT = 'b:c:dDf:C:i:m:M:o:R:r:F:p:e:t:T:l:vw:qVhJL:HP:s:SWYZ';
const FB_LONG: Record<string, string> = {
  storage_path: 'b', config: 'c', daemon: 'd', 'dry-run': 'D', flush: 'f', http: 'H', supervisor: '', log_file: 'l', port: 'P',
  custom: 'C', input: 'i', processor: 'r', filter: 'F', output: 'o', match: 'm', parser: 'R', prop: 'p', plugin: 'e', tag: 't',
  'sp-task': 'T', version: 'V', verbose: 'v', workdir: 'w', quiet: 'q', help: 'h', 'help-json': 'J', coro_stack_size: 's',
  sosreport: 'S', http_server: 'H', http_listen: 'L', http_port: 'P', 'enable-hot-reload': 'Y', 'enable-chunk-trace': 'Z',
  trace: '', 'trace-input': '', 'trace-output': '', 'trace-output-property': '', 'disable-thread-safety-on-hot-reload': 'W',
};

const HELM_CONF = `[SERVICE]
    Daemon Off
    Flush 1
    Log_Level info
    Parsers_File parsers.conf
    HTTP_Server On
    HTTP_Listen 127.0.0.1
    HTTP_Port 2020
    Health_Check On

[INPUT]
    Name tail
    Path /var/log/containers/*.log
    multiline.parser docker, cri
    Tag kube.*
    Mem_Buf_Limit 5MB
    Skip_Long_Lines On

[FILTER]
    Name parser
    Match kube.*
    Key_Name log
    Parser app

[OUTPUT]
    Name stdout
    Match kube.*
`;
const PARSERS = '[PARSER]\n    Name app\n    Format json\n';

function parsed(argv: string[]): FluentBitArgs {
  const args = parseFluentBitArgs(argv);
  if (typeof args === 'string') throw new Error(args);
  return args;
}

describe("Fluent Bit's command line", () => {
  const tmp = useTempDir('logferry-fb-cli-');
  const helmLayout = () => {
    tmp.write('etc/conf/fluent-bit.conf', HELM_CONF);
    // Parsers_File parsers.conf is found in the working directory (/fluent-bit/etc), not beside the config.
    tmp.write('etc/parsers.conf', PARSERS);
  };

  it('knows every option of fluent-bit 4.2.8 with its arity', () => {
    for (const [, letter, colon] of FB_GETOPT.matchAll(/([A-Za-z])(:?)/g)) {
      const flag = FLAGS.find((f) => f.short === letter);
      expect(flag, `-${letter}`).toBeDefined();
      expect(flag!.value !== undefined, `-${letter} takes a value`).toBe(colon === ':');
    }
    for (const [long, letter] of Object.entries(FB_LONG)) {
      const flag = FLAGS.find((f) => f.long.includes(long));
      expect(flag, `--${long}`).toBeDefined();
      if (letter) expect(flag!.short, `--${long}`).toBe(letter);
    }
  });

  it('reads options as getopt_long does: bundles, attached values, unique prefixes', () => {
    expect(parsed(['-vv']).verbosity).toBe(2);
    expect(parsed(['-q']).verbosity).toBe(-1);
    const bundle = parsed(['-HDc', 'a.conf']);
    expect([bundle.dryRun, bundle.config, bundle.service]).toEqual([true, 'a.conf', [['http_server', 'on']]]);
    expect(parsed(['-ca.conf']).config).toBe('a.conf');
    expect(parsed(['--conf', 'a.conf']).config).toBe('a.conf');
    expect(parsed(['--workdir=/fluent-bit/etc']).workdir).toBe('/fluent-bit/etc');
    expect(parseFluentBitArgs(['--p', '1'])).toMatch(/^option '--p' is ambiguous/);
    expect(parseFluentBitArgs(['--confg=a.conf'])).toBe("unknown option '--confg'; did you mean '--config'?");
    expect(parseFluentBitArgs(['-c'])).toBe('-c needs a value (FILE)');
    expect(parseFluentBitArgs(['-x'])).toBe("unknown option '-x'");
    expect(parseFluentBitArgs(['--dry-run=yes'])).toBe('--dry-run takes no value');
    expect(parseFluentBitArgs(['-i', 'dummy', '-m', '*'])).toMatch(/sets the Match of a filter or output/);
    expect(parseFluentBitArgs(['-i', 'dummy', '-p', 'tag=a\n[OUTPUT]'])).toBe('-p: a value cannot hold a line break');
  });

  it('gives the same result for every spelling of an option with a value (property)', () => {
    const valued = FLAGS.filter((f) => f.value !== undefined && f.short !== undefined && !/^(p|t|m)$/.test(f.short));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...valued), fc.stringMatching(/^[a-z0-9./_=]{1,12}$/)), { maxLength: 6 }), (pairs) => {
        const spellings = [
          pairs.flatMap(([f, v]) => [`-${f.short}`, v]),
          pairs.map(([f, v]) => `-${f.short}${v}`),
          pairs.map(([f, v]) => `--${f.long[0]}=${v}`),
          pairs.flatMap(([f, v]) => [`--${f.long[0]}`, v]),
        ];
        const results = spellings.map((argv) => parseFluentBitArgs(argv));
        for (const r of results) expect(r).toEqual(results[0]);
      }),
    );
  });

  it("runs the official Helm chart's command: --workdir then a relative --config (dry run)", async () => {
    helmLayout();
    const r = await runCli(['--workdir=' + tmp.path + '/etc', '--config=conf/fluent-bit.conf', '--dry-run']);
    expect(r.stderr).toBe('configuration test is successful\n');
    expect(r.code).toBe(0);
    // Without --workdir the relative paths do not resolve, as for Fluent Bit.
    const elsewhere = await runCli(['--config=conf/fluent-bit.conf', '-D'], undefined, tmp.path);
    expect(elsewhere.stderr).toMatch(/could not open configuration file 'conf\/fluent-bit.conf'/);
    expect(elsewhere.code).toBe(1);
  });

  it('finds a relative Parsers_File in the --workdir', async () => {
    helmLayout();
    const r = await runCli(['--workdir', join(tmp.path, 'etc'), '-c', 'conf/fluent-bit.conf', '-D']);
    expect(r.code).toBe(0);
    const moved = await runCli(['-c', join(tmp.path, 'etc/conf/fluent-bit.conf'), '-D'], undefined, tmp.path);
    expect(moved.stdout + moved.stderr).toMatch(/parsers.conf: file not found/);
    expect(moved.code).toBe(1);
  });

  it("runs AWS's command: -e plugins are warned about, not ignored silently", async () => {
    const conf = tmp.write('fluent-bit.conf', '[INPUT]\n    Name dummy\n[OUTPUT]\n    Name kinesis_firehose\n    Match *\n    region us-east-1\n    delivery_stream s\n');
    const r = await runCli(['-e', '/fluent-bit/firehose.so', '-e', '/fluent-bit/cloudwatch.so', '-c', conf, '-D']);
    expect(r.stderr.match(/warning: -e \/fluent-bit\/\w+\.so is not supported by logferry \(ignored\)/g)).toHaveLength(2);
    expect(r.stderr).toMatch(/configuration test is successful\n$/);
    expect(r.code).toBe(0);
  });

  it("exits as Fluent Bit does: 1 for an invalid configuration, a missing file or a bad option; 'run' keeps 2 for usage", async () => {
    expect((await runCli(['-c', 'fixtures/configs/invalid/unknown-key-typo.conf', '-D'])).code).toBe(1);
    expect((await runCli(['-c', 'nope.conf', '-D'])).code).toBe(1);
    const bad = await runCli(['--confg', 'x.conf']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("did you mean '--config'?");
    expect(bad.stderr).not.toContain('options:');
    expect((await runCli(['run', '--confg', 'x.conf'])).code).toBe(2);
    expect((await runCli(['--workdir', 'no/such/dir', '-c', 'x.conf'])).code).toBe(1);
  });

  it("merges command-line plugins with -c's file; the file's [SERVICE] wins, as in Fluent Bit", () => {
    const conf = tmp.write('a.conf', '[SERVICE]\n    Flush 2\n[INPUT]\n    Name dummy\n    Tag file\n[OUTPUT]\n    Name null\n    Match *\n');
    const args = parsed(['-c', conf, '-f', '7', '-H', '-P', '2099', '-i', 'dummy', '-t', 'cli', '-vv']);
    const { plan, ok, diagnostics } = loadFlagsConfig(args, {}, tmp.path);
    expect(ok).toBe(true);
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['duplicate-key', 2, "the command line's flush 7 is overridden by 'Flush 2' in [SERVICE], as in Fluent Bit"],
    ]);
    expect([plan.service.flush, plan.service.http_server, plan.service.http_port, plan.service.log_level]).toEqual([2000, true, 2099, 'trace']);
    expect(plan.inputs.map((i) => i.options['tag'])).toEqual(['cli', 'file']);
    expect(flagsConfigText(parsed(['-q']))).toBe('[SERVICE]\n    log_level off\n');
  });

  it('-V prints the version, -h the options, -i <plugin> -h the keys of that plugin', async () => {
    expect((await runCli(['-V'])).stdout).toMatch(/^logferry \d+\.\d+\.\d+\n$/);
    const help = await runCli(['run', '--help']);
    expect(help.stdout).toContain('-w, --workdir=DIR');
    const tail = await runCli(['-i', 'tail', '-h']);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toMatch(/read_from_head/i);
  });

  it('changes the directory of the process with --workdir: relative tail, file output and -l log paths (real process)', async () => {
    tmp.write('work/logs/app.log', '{"m":1}\n{"m":2}\n');
    tmp.write('work/out/.keep', '');
    const args = ['--workdir', join(tmp.path, 'work'), '-i', 'tail', '-p', 'path=logs/app.log', '-p', 'read_from_head=on', '-p', 'exit_on_eof=on', '-t', 'app'];
    // Started in the repository (where tsx resolves), not in the work directory.
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), ...args, '-o', 'file', '-m', '*', '-p', 'path=out', '-p', 'file=app.txt', '-p', 'format=plain', '-l', 'agent.log', '-f', '0.2'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(readFileSync(join(tmp.path, 'work/out/app.txt'), 'utf8')).toBe('{"log":"{\\"m\\":1}"}\n{"log":"{\\"m\\":2}"}\n');
    expect(existsSync(join(tmp.path, 'work/agent.log'))).toBe(true);
  }, 30_000);
});
