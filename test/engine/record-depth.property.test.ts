/**
 * No walk of a record throws, whatever its nesting depth (issue 16): sizes, JSON and msgpack-text
 * output, chunk files, es bulk bodies and document ids, the kinesis Go JSON, copies, and the JSON
 * decoding of lines (tail Parser json, docker, Merge_Log, the parser filter). Depths go to 100,000
 * (LOGFERRY_FUZZ_RUNS sets the number of runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/record/event.js';
import { formatJsonRecord } from '../../src/engine/format/json.js';
import { printEvent } from '../../src/engine/format/msgpack-text.js';
import { cloneBounded, cutDeep, MAX_JSON_DEPTH, MAX_RECORD_DEPTH, nestsDeeperThan, stringifyBounded, TOO_DEEP } from '../../src/engine/record-depth.js';
import { eventSize } from '../../src/engine/record-size.js';
import { decodeChunk, encodeEvents } from '../../src/engine/storage/chunk-file.js';
import { EncodedRecords, RecordEncodeError } from '../../src/record/encoded.js';
import { parseJsonContainer, parseJsonObject } from '../../src/parsers/runtime/json-object.js';
import { mergeLog } from '../../src/plugins/filters/kubernetes/merge-log.js';
import { BulkFormatter } from '../../src/plugins/outputs/es/bulk.js';
import { packDocument } from '../../src/plugins/outputs/es/document-id.js';
import { formatLine } from '../../src/plugins/outputs/file/file-output.js';
import { goJson } from '../../src/plugins/outputs/kinesis/go-json.js';
import { BASE } from '../plugins/outputs/es/bulk-options.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 20);

/** How a value nests: its depth (containers), which level is an array (bit i of `arrays`), and whether levels have a sibling. */
interface Shape {
  readonly depth: number;
  readonly arrays: number;
  readonly siblings: boolean;
}

const shape: fc.Arbitrary<Shape> = fc.record({
  // Mostly around the limits; a few up to 100,000 (JSON.parse takes about 0.5 s on those texts).
  depth: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 * MAX_RECORD_DEPTH }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 1 }),
  arrays: fc.integer({ min: 0, max: 0x7fffffff }),
  siblings: fc.boolean(),
});

const isArrayLevel = (s: Shape, level: number) => ((s.arrays >>> level % 31) & 1) === 1;

/** The value of a shape, built without recursion. */
function build(s: Shape): unknown {
  let v: unknown = 'bottom';
  for (let level = s.depth - 1; level >= 0; level--) {
    if (isArrayLevel(s, level)) v = s.siblings ? [1, v] : [v];
    else v = s.siblings ? { 'a.b': 'x', down: v } : { down: v };
  }
  return v;
}

/** The JSON text of a shape, built without recursion (JSON.stringify cannot write the deepest). */
function text(s: Shape): string {
  let open = '';
  let close = '';
  for (let level = 0; level < s.depth; level++) {
    if (isArrayLevel(s, level)) {
      open += s.siblings ? '[1,' : '[';
      close = `]${close}`;
    } else {
      open += s.siblings ? '{"a.b":"x","down":' : '{"down":';
      close = `}${close}`;
    }
  }
  return `${open}"bottom"${close}`;
}

const BULK = new BulkFormatter({ ...BASE, generate_id: true, replace_dots: true }, 'es');

/** Every walk of an event's record; each must return without throwing. */
function walkAll(e: LogEvent): void {
  eventSize(e.record);
  printEvent(0, 'tag', e);
  formatJsonRecord(e, { dateKey: 'date', dateFormat: 'double' });
  for (const format of ['plain', 'csv', 'ltsv', 'template', 'out_file'] as const) formatLine(format, 'tag', e, { delimiter: ',', labelDelimiter: ':', template: '{time} {deep}' }, true);
  try {
    // Too deep for JSON.stringify is a RecordEncodeError (the engine drops such a record, counted).
    decodeChunk(Buffer.concat([Buffer.from('x'), encodeEvents([e], true)]));
    BULK.format('tag', EncodedRecords.from([e]), 0n);
  } catch (err) {
    if (!(err instanceof RecordEncodeError)) throw err;
  }
  packDocument(e.record, '@timestamp', 't', undefined, true);
  goJson(e.record);
  cloneBounded(e.record);
  cutDeep(e.record);
}

describe('record walks at any nesting depth (property)', () => {
  it('none throws; records deeper than MAX_RECORD_DEPTH have no size (they are dropped) and come out cut at that depth', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const record = { deep: build(s) };
        const e: LogEvent = { time: 1_700_000_000_123_456_789n, record };
        expect(() => walkAll(e)).not.toThrow();
        const tooDeep = s.depth + 1 > MAX_RECORD_DEPTH;
        expect(nestsDeeperThan(record, MAX_RECORD_DEPTH)).toBe(tooDeep);
        expect(eventSize(record) < 0).toBe(tooDeep);
        const cut = cutDeep(record);
        expect(nestsDeeperThan(cut, MAX_RECORD_DEPTH)).toBe(false);
        if (!tooDeep) expect(cut).toBe(record);
        // Written whole, or (too deep for JSON.stringify) cut: never cut when within the limit.
        const json = stringifyBounded(record)!;
        expect(() => JSON.parse(json) as unknown).not.toThrow();
        if (!tooDeep) expect(json.includes(TOO_DEEP)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('JSON text parses exactly when it nests no deeper than MAX_JSON_DEPTH (an object holding the value adds a level)', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const line = `{"deep":${text(s)}}`;
        const within = s.depth + 1 <= MAX_JSON_DEPTH;
        const parsed = parseJsonObject(line);
        expect(parsed !== undefined).toBe(within);
        if (within) expect(parsed).toEqual({ deep: build(s) });
        expect(parseJsonContainer(line) !== undefined).toBe(within);
        // Fluent Bit's lenient path (raw control characters in strings) is bounded the same way.
        expect(parseJsonObject(`${line.slice(0, -1)},"c":"a\tb"}`) !== undefined).toBe(within);
        const merged = mergeLog({ time: 0n, record: { log: line } }, undefined, { key: 'log_processed', trim: true, keepLog: true });
        expect(merged !== undefined).toBe(within);
      }),
      { numRuns: RUNS },
    );
  });
});
