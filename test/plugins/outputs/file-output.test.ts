import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLine, renderTemplate, strftimeUtc } from '../../../src/plugins/outputs/file/file-output.js';
import { capture, planFrom } from '../../support/pipeline.js';

const T = 1_700_000_000_123_456_789n;
const e = { time: T, record: { log: 'hello', n: 3, ok: true } };
const o = { delimiter: ',', labelDelimiter: ':', template: '{time} {log}' };

describe('file output formats (Fluent Bit out_file)', () => {
  it('writes each format as Fluent Bit does', () => {
    expect(formatLine('out_file', 'app', e, o, false)).toBe('app: [1700000000.123456789, {"log":"hello","n":3,"ok":true}]\n');
    expect(formatLine('plain', 'app', e, o, false)).toBe('{"log":"hello","n":3,"ok":true}\n');
    expect(formatLine('csv', 'app', e, o, true)).toBe('timestamp,"log","n","ok"\n1700000000.123456789,"hello",3,true\n');
    expect(formatLine('ltsv', 'app', e, { ...o, delimiter: '\t' }, false)).toBe('"time":1700000000.123457\t"log":"hello"\t"n":3\t"ok":true\n');
    expect(formatLine('template', 'app', e, o, false)).toBe('1700000000.123457 hello\n');
  });

  it('leaves unknown template keys and unclosed braces as written', () => {
    expect(renderTemplate('{missing} {log} {a{log} {x', e)).toBe('{missing} hello {ahello {x');
  });

  it('expands strftime in UTC', () => {
    expect(strftimeUtc('/logs/%Y/%m/%d/%H%M%S-%j.log', T)).toBe('/logs/2023/11/14/221320-318.log');
  });
});

describe('file output through the pipeline', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logferry-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file per tag under Path, creating the directory with Mkdir', async () => {
    const out = join(dir, 'nested', 'out');
    const plan = planFrom(`[SERVICE]\n    Flush 0.05\n[INPUT]\n    Name lib\n    Tag app\n[OUTPUT]\n    Name  file\n    Match *\n    Path  ${out}\n    Mkdir On\n    Format plain\n`);
    const run = capture(plan);
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }, { a: 2 }]);
    run.pipeline.push([{ b: 1 }], { tag: 'db' });
    await run.pipeline.stop();
    expect(readFileSync(join(out, 'app'), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(readFileSync(join(out, 'db'), 'utf8')).toBe('{"b":1}\n');
  });

  it('rotates by size, gzips rotated files and keeps rotate_max_files of them', async () => {
    const plan = planFrom(
      `[SERVICE]\n    Flush 0.05\n[INPUT]\n    Name lib\n    Tag app\n[OUTPUT]\n    Name  file\n    Match *\n    Path  ${dir}\n    File  out.log\n    Format plain\n    Rotate On\n    Rotate_Max_Size 20\n    Rotate_Max_Files 2\n`,
    );
    const run = capture(plan);
    await run.pipeline.start();
    for (let i = 0; i < 4; i++) {
      run.pipeline.push([{ line: `record-${i}-xxxxxxxx` }]);
      run.pipeline.flush();
      await new Promise((r) => setTimeout(r, 60));
    }
    await run.pipeline.stop();
    const rotated = readdirSync(dir).filter((f) => f.startsWith('out.log.')).sort();
    expect(rotated).toHaveLength(2);
    expect(rotated.every((f) => /^out\.log\.\d{8}_\d{6}_[0-9a-f]{8}\.gz$/.test(f))).toBe(true);
    const texts = rotated.map((f) => gunzipSync(readFileSync(join(dir, f))).toString());
    for (const t of texts) expect(t).toMatch(/^\{"line":"record-\d-xxxxxxxx"\}\n$/);
  });

  it('refuses a format or dynamic path it does not implement in the plan, before any runtime starts', () => {
    // The table declares them unsupported (errors), so no plan with them reaches the runtime.
    expect(() => planFrom(`[INPUT]\n    Name lib\n    Tag app\n[OUTPUT]\n    Name  file\n    Match *\n    Path  ${dir}\n    Format msgpack\n`)).toThrow(
      /8: Format msgpack in \[OUTPUT\] file is not supported by logferry/,
    );
    expect(() => planFrom(`[INPUT]\n    Name lib\n    Tag app\n[OUTPUT]\n    Name  file\n    Match *\n    Path  ${dir}\n    File  $tag.log\n    Fallback_File x\n`)).toThrow(
      /8: File containing \$ \(a record accessor\) in \[OUTPUT\] file is not supported by logferry/,
    );
  });
});
