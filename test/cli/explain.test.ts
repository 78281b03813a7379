import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { PLUGINS, UNSUPPORTED_PLUGINS } from '../../src/plugins/registry.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

describe('logferry explain', () => {
  it('prints a plugin\'s keys with type, default as Fluent Bit writes it, flags and description', async () => {
    const run = await runCli(['explain', 'tail']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('tail (input plugin)');
    expect(lines.find((l) => l.trimStart().startsWith('path '))).toMatch(/^ {2}path +list +- +required +Comma-separated glob patterns/);
    expect(lines.find((l) => l.trimStart().startsWith('buffer_chunk_size '))).toMatch(/size +32768 /);
    expect(lines.find((l) => l.trimStart().startsWith('multiline.parser '))).toMatch(/repeatable/);
    expect(run.stdout).toContain('Keys every input accepts:');
    expect(lines.find((l) => l.trimStart().startsWith('mem_buf_limit '))).toMatch(/size +0 /);
  });

  it('shows why logferry does not act on a key, and the values of enums', async () => {
    const run = await runCli(['explain', 'parser', '--kind', 'filter']);
    expect(run.stdout.split('\n')[0]).toBe('parser (filter plugin)');
    expect(run.stdout).toMatch(/unescape_key +string +- +not supported +Deprecated, no effect\. Not supported by logferry: deprecated in Fluent Bit/);
    const service = await runCli(['explain', 'service']);
    expect(service.stdout.split('\n')[0]).toBe('[SERVICE] section');
    expect(service.stdout).toMatch(/log_level +enum +info .*Values: off, error, warn, warning, info, debug, trace/);
  });

  it('explains sections: service, parser and multiline_parser', async () => {
    for (const [name, header] of [['service', '[SERVICE]'], ['parser', '[PARSER]'], ['multiline_parser', '[MULTILINE_PARSER]']]) {
      const run = await runCli(['explain', name!]);
      expect(run.code).toBe(0);
      expect(run.stdout.startsWith(`${header} section\n`)).toBe(true);
    }
  });

  it('says that a Fluent Bit plugin logferry does not run is known but not supported', async () => {
    const run = await runCli(['explain', 'kmsg']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'kmsg (input plugin)',
        '',
        'Read the Linux kernel log buffer (/dev/kmsg)',
        '',
        "Fluent Bit's input plugin 'kmsg' is known to logferry but not supported: validate checks only",
        'the keys every input accepts and reports the section as unsupported-plugin (a warning); it does not run.',
        '',
      ].join('\n'),
    );
  });

  it('needs --kind for a name of several kinds, and reports unknown names with a suggestion', async () => {
    const ambiguous = await runCli(['explain', 'stdout']);
    expect(ambiguous).toEqual({ code: 2, stdout: '', stderr: "logferry explain: 'stdout' is a filter and an output plugin: add --kind filter or --kind output\n" });
    expect((await runCli(['explain', '--kind', 'output', 'stdout'])).stdout.split('\n')[0]).toBe('stdout (output plugin)');
    expect((await runCli(['explain', '--kind', 'filter', 'stdout'])).stdout).toContain("filter plugin 'stdout' is known to logferry but not supported");
    expect((await runCli(['explain', 'tial'])).stderr).toBe("logferry explain: unknown plugin or section 'tial'; did you mean 'tail'?\n");
    expect((await runCli(['explain', '--kind', 'output', 'tail'])).stderr).toBe("logferry explain: 'tail' is not an output plugin but an input plugin\n");
    for (const args of [['explain'], ['explain', '--kind', 'sink', 'tail'], ['explain', '--format', 'html', 'tail'], ['explain', '--all', 'tail']]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.length).toBeGreaterThan(0);
    }
  });

  it('--all --format markdown is docs/plugins.md (regenerate with npm run docs), covering every plugin', async () => {
    const run = await runCli(['explain', '--all', '--format', 'markdown']);
    expect(run.code).toBe(0);
    expect(readFileSync(join(REPO_ROOT, 'docs', 'plugins.md'), 'utf8')).toBe(run.stdout);
    for (const p of PLUGINS) expect(run.stdout).toContain(`### ${p.name}\n`);
    for (const kind of ['input', 'filter', 'output'] as const) {
      for (const name of Object.keys(UNSUPPORTED_PLUGINS[kind])) expect(run.stdout).toContain(`| ${kind} | \`${name}\` |`);
    }
    const text = await runCli(['explain', '--all']);
    expect(text.stdout).toContain('kinesis_firehose (output plugin)');
  });

  it('prints one plugin as markdown with its common keys', async () => {
    const run = await runCli(['explain', '--format', 'markdown', 'kinesis_firehose']);
    expect(run.stdout).toMatch(/^# kinesis_firehose\n\n.*\(output plugin\)\n\n\| Key \| Type \| Default \| Flags \| Description \|/);
    expect(run.stdout).toContain('| `delivery_stream` | string |  | required |');
    expect(run.stdout).toContain('## Keys every output accepts');
  });

  it('--codes --format markdown is docs/diagnostics.md (regenerate with npm run docs), a section per code', async () => {
    const run = await runCli(['explain', '--codes', '--format', 'markdown']);
    expect(run.code).toBe(0);
    expect(readFileSync(join(REPO_ROOT, 'docs', 'diagnostics.md'), 'utf8')).toBe(run.stdout);
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      const section = run.stdout.slice(run.stdout.indexOf(`\n## ${code}\n`));
      expect(section).toContain(info.fix);
    }
    const text = await runCli(['explain', '--codes']);
    expect(text.stdout).toMatch(/^syntax-error \(error\)\n {2}A line the classic reader cannot read/);
    expect(text.stdout).toContain('  Wrong:\n      [INPUT\n');
    expect((await runCli(['explain', '--codes', 'tail'])).code).toBe(2);
  });
});
