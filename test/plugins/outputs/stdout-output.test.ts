import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDate, formatDouble, formatJsonRecord } from '../../../src/engine/format/json.js';
import { renderBatch } from '../../../src/plugins/outputs/stdout/stdout-output.js';
import { capture, planFrom } from '../../support/pipeline.js';

const T = 1_700_000_000_123_456_789n;
const batch = { tag: 'app.web', events: [{ time: T, record: { log: 'a', n: 1 } }, { time: T, record: {} }] };
const json = { dateKey: 'date', dateFormat: 'double' as const };

describe('stdout formats (Fluent Bit out_stdout)', () => {
  it('prints msgpack-style text by default', () => {
    expect(renderBatch(batch, undefined, json)).toBe(
      '[0] app.web: [[1700000000.123456789, {}], {"log"=>"a", "n"=>1}]\n[1] app.web: [[1700000000.123456789, {}], {}]\n',
    );
  });

  it('prints json, json_lines and json_stream with the date key first', () => {
    expect(renderBatch(batch, 'json', json)).toBe('[{"date":1700000000.123457,"log":"a","n":1},{"date":1700000000.123457}]\n');
    expect(renderBatch(batch, 'json_lines', json)).toBe('{"date":1700000000.123457,"log":"a","n":1}\n{"date":1700000000.123457}\n');
    expect(renderBatch(batch, 'json_stream', json)).toBe('{"date":1700000000.123457,"log":"a","n":1}{"date":1700000000.123457}\n');
  });

  it('formats dates as json_date_format says', () => {
    expect(formatDate(T, 'epoch')).toBe('1700000000');
    expect(formatDate(T, 'epoch_ms')).toBe('1700000000123');
    expect(formatDate(T, 'iso8601')).toBe('"2023-11-14T22:13:20.123456Z"');
    expect(formatDate(T, 'java_sql_timestamp')).toBe('"2023-11-14 22:13:20.123456"');
    expect(formatJsonRecord(batch.events[0]!, { dateKey: undefined, dateFormat: 'double' })).toBe('{"log":"a","n":1}');
  });

  it('prints doubles like C: %.1f for whole numbers, %.16g otherwise', () => {
    expect(formatDouble(5)).toBe('5.0');
    expect(formatDouble(0.1)).toBe('0.1');
    expect(formatDouble(1700000000.123456789)).toBe('1700000000.123457');
    expect(formatDouble(1e-7)).toBe('1e-07');
  });

  it('writes to the host stdout through the pipeline', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const plan = planFrom('[SERVICE]\n    Flush 0.05\n[INPUT]\n    Name lib\n    Tag t\n[OUTPUT]\n    Name stdout\n    Match *\n    Format json_lines\n    json_date_key ts\n    json_date_format epoch\n');
    const run = capture(plan, { stdout: out });
    await run.pipeline.start();
    run.pipeline.push([{ time: 1_000_000_000n * 42n, record: { x: 'y' } }]);
    await run.pipeline.stop();
    expect(text).toBe('{"ts":42,"x":"y"}\n');
  });
});
