import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run.js';
import { PLUGINS } from '../../src/plugins/registry.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'logferry-unsupported-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonDiagnostic {
  code: string;
  severity: string;
  line: number;
  message: string;
}

/** Validates a classic configuration; returns its diagnostics and exit code. */
async function validate(name: string, text: string): Promise<{ code: number; diagnostics: JsonDiagnostic[] }> {
  const path = join(dir, `${name}.conf`);
  writeFileSync(path, text);
  const run = await runCli(['validate', '--format', 'json', path]);
  return { code: run.code, diagnostics: (JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics };
}

const INPUT = '[INPUT]\n    Name dummy\n    Tag t\n';
const OUTPUT = '[OUTPUT]\n    Name null\n    Match *\n';
/** A section whose last line (line 4 of the file after INPUT's 3 lines, or line 4 of its own) is the key under test. */
const input = (name: string, key: string) => `[INPUT]\n    Name ${name}\n    Path /tmp/x.log\n    ${key}\n${OUTPUT}`;
const filter = (name: string, key: string) => `${INPUT}[FILTER]\n    Name ${name}\n    Match *\n    ${key}\n${OUTPUT}`;
const output = (name: string, key: string, extra = '') => `${INPUT}[OUTPUT]\n    Name ${name}\n    Match *\n${extra}    ${key}\n`;

/** Every behaviour a runtime does not implement, the config that uses it and the line of the key. */
const CASES: { name: string; text: string; line: number; severity: 'error' | 'warning'; says: RegExp }[] = [
  { name: 'file format msgpack', text: output('file', 'Format msgpack'), line: 7, severity: 'error', says: /Format msgpack .*run.*|Format msgpack in \[OUTPUT\] file is not supported/ },
  { name: 'file path with $', text: output('file', "Path /out/$kubernetes['ns']", '    Fallback_File f.log\n'), line: 8, severity: 'error', says: /Path containing \$/ },
  { name: 'file file with $', text: output('file', 'File $tag.log', '    Fallback_File f.log\n'), line: 8, severity: 'error', says: /File containing \$/ },
  { name: 'file fallback_file', text: output('file', 'Fallback_File f.log'), line: 7, severity: 'warning', says: /'Fallback_File' in \[OUTPUT\] file is not supported/ },
  { name: 'file max_dynamic_files', text: output('file', 'Max_Dynamic_Files 10'), line: 7, severity: 'warning', says: /Max_Dynamic_Files/ },
  { name: 'tail truncate_long_lines', text: input('tail', 'Truncate_Long_Lines On'), line: 4, severity: 'warning', says: /Truncate_Long_Lines On .*long lines are not cut/ },
  { name: 'tail legacy multiline', text: input('tail', 'Multiline On\n    Parser_Firstline json'), line: 4, severity: 'warning', says: /Multiline On .*legacy multiline/ },
  { name: 'tail parser_firstline', text: input('tail', 'Parser_Firstline json'), line: 4, severity: 'warning', says: /'Parser_Firstline' .*legacy multiline/ },
  { name: 'tail unicode.encoding', text: input('tail', 'Unicode.Encoding UTF-16LE'), line: 4, severity: 'warning', says: /'Unicode.Encoding' .*UTF-8/ },
  { name: 'tail generic.encoding', text: input('tail', 'Generic.Encoding ShiftJIS'), line: 4, severity: 'warning', says: /'Generic.Encoding' .*UTF-8/ },
  { name: 'tail keep_file_handle off', text: input('tail', 'Keep_File_Handle Off'), line: 4, severity: 'warning', says: /Keep_File_Handle Off .*stay open/ },
  { name: 'tail buffer_chunk_size', text: input('tail', 'Buffer_Chunk_Size 64k'), line: 4, severity: 'warning', says: /Buffer_Chunk_Size/ },
  { name: 'dummy fixed_timestamp', text: `[INPUT]\n    Name dummy\n    Tag t\n    Fixed_Timestamp On\n${OUTPUT}`, line: 4, severity: 'warning', says: /Fixed_Timestamp On/ },
  { name: 'kubernetes aws_use_pod_association', text: filter('kubernetes', 'Aws_Use_Pod_Association On'), line: 7, severity: 'warning', says: /pod association is not implemented/ },
  { name: 'kubernetes use_pod_association', text: filter('kubernetes', 'Use_Pod_Association On'), line: 7, severity: 'warning', says: /pod association is not implemented/ },
  { name: 'kubernetes aws_pod_association_host', text: filter('kubernetes', 'Aws_Pod_Association_Host agent'), line: 7, severity: 'warning', says: /pod association/ },
  { name: 'kubernetes dns_retries', text: filter('kubernetes', 'DNS_Retries 3'), line: 7, severity: 'warning', says: /DNS_Retries/ },
  { name: 'kubernetes kube_namespace_file', text: filter('kubernetes', 'Kube_Namespace_File /ns'), line: 7, severity: 'warning', says: /Kube_Namespace_File/ },
  { name: 'multiline debug_flush', text: filter('multiline', 'Debug_Flush On\n    Multiline.Key_Content log\n    Multiline.Parser go'), line: 7, severity: 'warning', says: /Debug_Flush On/ },
  { name: 'cloudwatch_logs add_entity', text: output('cloudwatch_logs', 'Add_Entity On', '    Region us-east-1\n    Log_Group_Name g\n    Log_Stream_Prefix p\n'), line: 10, severity: 'warning', says: /Add_Entity On .*without entity/ },
  { name: 'stdout otlp_json', text: output('stdout', 'Format otlp_json'), line: 7, severity: 'warning', says: /Format otlp_json or otlp_json_pretty .*json_lines/ },
  { name: 'kinesis_firehose compression snappy', text: output('kinesis_firehose', 'Compression snappy', '    Region us-east-1\n    Delivery_Stream s\n'), line: 9, severity: 'error', says: /Compression snappy .*no snappy/ },
  { name: 'lib data_mode', text: output('lib', 'Data_Mode chunk'), line: 7, severity: 'warning', says: /Data_Mode/ },
  { name: 'input threaded on', text: `[INPUT]\n    Name dummy\n    Tag t\n    Threaded On\n${OUTPUT}`, line: 4, severity: 'warning', says: /Threaded On .*event loop/ },
  { name: 'filter log_suppress_interval', text: filter('grep', 'Log_Suppress_Interval 10s\n    Regex log x'), line: 7, severity: 'warning', says: /Log_Suppress_Interval.*not suppressed/ },
  { name: 'output tls.debug', text: output('http', 'tls.debug 4', '    Host 127.0.0.1\n'), line: 8, severity: 'warning', says: /tls.debug.*TLS debug logging/ },
];

describe('validate reports what run does not implement, at the key', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { code, diagnostics } = await validate(c.name.replace(/\W+/g, '-'), c.text);
      const found = diagnostics.filter((d) => d.code === 'unsupported-key' && d.line === c.line);
      expect(found, JSON.stringify(diagnostics)).toHaveLength(1);
      expect(found[0]!.severity).toBe(c.severity);
      expect(found[0]!.message).toMatch(c.says);
      expect(code).toBe(diagnostics.some((d) => d.severity === 'error') ? 1 : 0);
      if (c.severity === 'error') expect(code).toBe(1);
    });
  }

  it('says nothing for the values that are implemented', async () => {
    const implemented = [
      input('tail', 'Truncate_Long_Lines Off\n    Keep_File_Handle On\n    Multiline Off'),
      output('file', 'Format plain\n    Path /tmp/out\n    File out.log'),
      output('stdout', 'Format json_lines'),
      filter('kubernetes', 'Aws_Use_Pod_Association Off'),
    ];
    for (const [i, text] of implemented.entries()) {
      const { diagnostics } = await validate(`implemented-${i}`, text);
      expect(diagnostics.filter((d) => d.code === 'unsupported-key')).toEqual([]);
    }
  });

  it('reports a validate-only plugin (AWS Go outputs) at its Name: run refuses it', async () => {
    const { code, diagnostics } = await validate('go-cloudwatch', output('cloudwatch', 'Log_Stream_Name s', '    Region us-east-1\n    Log_Group_Name g\n'));
    expect(code).toBe(0);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'unsupported-plugin', severity: 'warning', line: 5, message: expect.stringContaining('does not run') })]);
  });
});

describe('no default of a table is a value it declares unsupported', () => {
  it('holds for every registered plugin', () => {
    for (const p of PLUGINS) {
      for (const [key, spec] of Object.entries(p.options)) {
        if (spec.defaultValue === undefined) continue;
        for (const use of spec.unsupportedValues ?? []) expect(use.when(spec.defaultValue), `${p.name} ${key}`).toBe(false);
      }
    }
  });
});

describe('run agrees with validate', () => {
  function io() {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: { HOSTNAME: 'h' }, cwd: dir } };
  }

  it('refuses what validate calls an error, before writing anything', async () => {
    const outDir = join(dir, 'refused');
    const conf = join(dir, 'refused.conf');
    writeFileSync(conf, `[INPUT]\n    Name dummy\n    Tag t\n    Samples 1\n[OUTPUT]\n    Name file\n    Match *\n    Path ${outDir}\n    Mkdir On\n    Format msgpack\n`);
    const { io: cio, out } = io();
    expect(await runCommand(['-c', conf], cio, new EventEmitter())).toBe(1);
    expect(out.stderr).toContain('error[unsupported-key]');
    expect(out.stderr).toContain(':10:');
    expect(existsSync(outDir)).toBe(false);
  });

  it('runs what validate warns about, the way the warning says (otlp_json printed as json_lines)', async () => {
    const log = join(dir, 'in.log');
    writeFileSync(log, 'one\ntwo\n');
    const conf = join(dir, 'warned.conf');
    writeFileSync(
      conf,
      `[SERVICE]\n    Flush 0.1\n[INPUT]\n    Name tail\n    Path ${log}\n    Read_From_Head On\n    Exit_On_Eof On\n    Truncate_Long_Lines On\n[OUTPUT]\n    Name stdout\n    Match *\n    Format otlp_json\n    Json_Date_Key false\n`,
    );
    // A real process: the stdout output writes to the process's stdout.
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', conf], { cwd: REPO_ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
        err && err.code === undefined ? reject(err) : resolve({ code: err ? (err.code as number) : 0, stdout, stderr }),
      );
    });
    expect(out.code, out.stderr).toBe(0);
    // Each behaviour is reported once, by the plan, at its line; the runtime adds no warning of its own.
    expect(out.stderr.match(/warning\[unsupported-key\]/g)).toHaveLength(2);
    expect(out.stderr).toContain(':8:');
    expect(out.stderr).toContain(':12:');
    expect(out.stderr).not.toMatch(/not (implemented|supported) yet/);
    expect(out.stdout).toBe('{"log":"one"}\n{"log":"two"}\n');
  });
});
