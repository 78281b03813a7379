/**
 * The file output writes from the chunk's encoded records: out_file and plain lines straight from
 * their JSON bytes, the other formats from each record decoded. Every format must write what
 * formatLine writes for the records as objects (what the output wrote before records were bytes).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkBatch } from '../../../src/record/batch.js';
import { EncodedRecords } from '../../../src/record/encoded.js';
import type { LogEvent, LogRecord } from '../../../src/record/event.js';
import { FileOutput, formatLine, jsonLines, strftimeUtc } from '../../../src/plugins/outputs/file/file-output.js';
import file from '../../../src/plugins/outputs/file/index.js';
import { pluginArgs } from '../../support/plugin-args.js';
import { planFrom } from '../../support/pipeline.js';

const root = mkdtempSync(join(tmpdir(), 'logferry-file-prop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const key = fc.string({ unit: fc.constantFrom('a', 'b', '.', '"', '\\', ':', 'é', '\u2028', '1', '{', ' ', '😀'), maxLength: 5 });
const record = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }).map((r) => JSON.parse(JSON.stringify(r)) as LogRecord);
// Around midnight, so strftime destinations split some batches; some before 1970.
const time = fc.oneof(fc.bigInt({ min: 1_700_006_399_000_000_000n, max: 1_700_006_401_000_000_000n }), fc.bigInt({ min: -2_000_000_000n, max: 4_000_000_000_000_000_000n }));
const events = fc.array(fc.record({ time, record }), { maxLength: 8 });
const tag = fc.string({ unit: fc.constantFrom('a', '.', 'ü', ' ', '😀'), minLength: 1, maxLength: 6 });
const FORMATS = ['out_file', 'plain', 'csv', 'ltsv', 'template'] as const;

describe('file output lines from encoded records (property)', () => {
  it('out_file and plain lines from the bytes are what formatLine writes for the records', () => {
    fc.assert(
      fc.property(events, tag, fc.constantFrom<'out_file' | 'plain'>('out_file', 'plain'), (evs, t, format) => {
        const records = EncodedRecords.from(evs);
        const expected = evs.map((e) => formatLine(format, t, e, { delimiter: ',', labelDelimiter: ':', template: '' }, false)).join('');
        expect(jsonLines(format, t, records, evs.map((_, i) => i)).toString()).toBe(expected);
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 200) },
    );
  });

  it('a flushed chunk writes, in every format and to every strftime destination, what the object path wrote', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(events, fc.constantFrom(...FORMATS), fc.boolean(), fc.boolean(), async (evs, format, strftime, header) => {
        const dir = join(root, String(run++));
        const extra = `    Format ${format}\n    Template {time} {a} {\"}\n    Csv_Column_Names ${header ? 'On' : 'Off'}\n` + (strftime ? '    File out-%Y%m%d-%H%M%S\n    Enable_Strftime On\n    Fallback_File x\n' : '    File out\n');
        const plan = planFrom(`[INPUT]\n    Name lib\n    Tag in\n[OUTPUT]\n    Name file\n    Match *\n    Path ${dir}\n    Mkdir On\n${extra}`);
        const args = pluginArgs(file, plan.outputs[0], plan);
        const output = new FileOutput(args.options, args.ctx);
        expect(await output.flush(new ChunkBatch('app', EncodedRecords.from(evs)))).toEqual({ status: 'ok' });
        // The object path: grouped by destination in order, each file's lines from formatLine.
        const fmt = { delimiter: format === 'ltsv' ? '\t' : ',', labelDelimiter: ':', template: '{time} {a} {"}' };
        const expected = new Map<string, string>();
        for (const e of evs as LogEvent[]) {
          const name = strftime ? strftimeUtc('out-%Y%m%d-%H%M%S', e.time) : 'out';
          const before = expected.get(name) ?? '';
          expected.set(name, before + formatLine(format, 'app', e, fmt, format === 'csv' && header && before === ''));
        }
        const written = new Map(existsSync(dir) ? readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]) : []);
        expect(written).toEqual(expected);
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 60) },
    );
  });
});
