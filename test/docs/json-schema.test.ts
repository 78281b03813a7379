import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/validate.js';
import { configSchema, keyPattern } from '../../src/docs/json-schema.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

// ajv is CommonJS with `exports.default` set to the export itself.
const ajv = new AjvModule.default({ allErrors: true, strict: false });
const validate = ajv.compile(configSchema());

/** Schema errors of a YAML text, as "<path> <message>". */
function errorsOf(yamlText: string): string[] {
  if (validate(parse(yamlText))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const ok = (yamlText: string) => expect(errorsOf(yamlText)).toEqual([]);
const bad = (yamlText: string) => expect(errorsOf(yamlText).length).toBeGreaterThan(0);

const EXAMPLES = 'test/fixtures/schema';
const READER_FIXTURES = 'fixtures/configs/valid-yaml';
const ENV = { HTTP_SERVER: 'On', HTTP_PORT: '2020', READ_FROM_HEAD: 'Off', READ_FROM_TAIL: 'On', AWS_REGION: 'eu-west-1', CLUSTER_NAME: 'demo', HOST_NAME: 'node-1', HOSTNAME: 'golden-host' };

function yamlFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${dir}/${f}`);
}

describe('JSON Schema of the YAML configuration format', () => {
  for (const file of yamlFiles(EXAMPLES)) {
    it(`accepts ${file}, which logferry validate also accepts`, () => {
      ok(readFileSync(join(REPO_ROOT, file), 'utf8'));
      const result = validateConfig(file, { env: ENV, cwd: REPO_ROOT });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
  }

  for (const file of yamlFiles(READER_FIXTURES)) {
    it(`accepts the YAML reader's valid fixture ${file}`, () => {
      ok(readFileSync(join(REPO_ROOT, file), 'utf8'));
    });
  }

  // Processors with conditions, native processors and routes, and Fluent Bit's own test configs
  // it starts (`name: null`, the null output, is a YAML null there).
  const recorded = readdirSync(join(REPO_ROOT, 'fixtures/fluent-bit-4.2.8/pipelines')).map((d) => `fixtures/fluent-bit-4.2.8/pipelines/${d}/fluent-bit.yaml`);
  const corpus = (JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/fluent-bit-4.2.8/config-format/cases.json'), 'utf8')) as { runs: string[] }).runs.map((f) => `fixtures/fluent-bit-4.2.8/config-format/${f}`);
  for (const file of [...recorded, ...corpus].filter((f) => existsSync(join(REPO_ROOT, f)))) {
    it(`accepts ${file}`, () => {
      ok(readFileSync(join(REPO_ROOT, file), 'utf8'));
    });
  }

  it('rejects unknown keys, plugins and sections, bad values and nameless plugins', () => {
    const pipeline = (item: string) => `pipeline:\n  inputs:\n    - ${item}\n`;
    bad(pipeline('name: tail\n      path: /x\n      Mem_Buf_Limt: 5MB'));
    bad(pipeline('name: tial\n      path: /x'));
    bad(pipeline('name: tail\n      path: /x\n      skip_long_lines: maybe'));
    bad(pipeline('name: tail\n      path: /x\n      mem_buf_limit: 5MiB'));
    bad(pipeline('name: tail\n      path: /x\n      db.journal_mode: fast'));
    bad(pipeline('tag: x'));
    bad(pipeline('name: tail\n      path: [/a, /b]')); // path may not repeat
    bad('pipline:\n  inputs: []\n');
    bad('service:\n  flsuh: 1\n');
    bad('multiline_parsers:\n  - name: m\n    type: regex\n    rules:\n      - state: start_state\n        regex: /x/\n');
    bad('pipeline:\n  outputs:\n    - name: cloudwatch_logs\n      match: "*"\n      processors:\n        logs:\n          - name: grep\n            regx: a b\n');
  });

  it('accepts the spellings Fluent Bit reads: any case, camelCase, lists for repeatable keys, ${VAR} anywhere', () => {
    const pipeline = (item: string) => `pipeline:\n  inputs:\n    - ${item}\n`;
    ok(pipeline('Name: TAIL\n      Path: /x\n      MEM_BUF_LIMIT: 5M\n      memBufLimit: 5M\n      mem_Buf_limit: 5M\n      Skip_Long_Lines: on'));
    ok(pipeline('name: tail\n      path: /x\n      multiline.parser: [docker, cri]\n      read_from_head: ${READ}\n      refresh_interval: 10'));
    ok(pipeline('name: kmsg\n      tag: host.*\n      prio_level: [6, 7]\n      any_key_of_an_unsupported_plugin: 1'));
    ok(pipeline('name: systemd\n      tag: host.*\n      systemd_filter: [A=b, C=d]'));
    ok('service:\n  Flush: 0.5\n  HTTP_Server: true\n  log_level: WARN\n');
    // A lowercase key without `_` is read as camelCase: `dB` would be `d_b`.
    bad(pipeline('name: tail\n      path: /x\n      dB: /var/db'));
  });

  it('matches a key exactly in the spellings Fluent Bit translates to it', () => {
    const re = new RegExp(keyPattern('mem_buf_limit'));
    for (const k of ['mem_buf_limit', 'Mem_Buf_Limit', 'MEM_BUF_LIMIT', 'mem_BUF_limit', 'memBufLimit']) expect(re.test(k), k).toBe(true);
    for (const k of ['membuflimit', 'MemBufLimit', 'mem_buf_limit_x', 'memBuf_limit'.replace('_', '')]) expect(re.test(k), k).toBe(false);
    expect(new RegExp(keyPattern('parser_', true)).test('Parser_1')).toBe(true);
  });

  it('is what `logferry schema` prints and what docs/fluent-bit.schema.json holds (run npm run docs)', async () => {
    const run = await runCli(['schema']);
    expect(run.code).toBe(0);
    const expected = `${JSON.stringify(configSchema(), null, 2)}\n`;
    expect(run.stdout).toBe(expected);
    expect(readFileSync(join(REPO_ROOT, 'docs', 'fluent-bit.schema.json'), 'utf8')).toBe(expected);
  });
});
