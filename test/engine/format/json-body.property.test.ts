import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJsonRecords, JsonBodyPieces, jsonRecordsBody, type JsonDateFormat } from '../../../src/engine/format/json.js';
import { EncodedRecords } from '../../../src/record/encoded.js';
import type { LogEvent } from '../../../src/record/event.js';

const FORMATS: JsonDateFormat[] = ['double', 'java_sql_timestamp', 'iso8601', 'epoch', 'epoch_ms'];
const PARTS = [
  { open: '', separator: '\n', close: '', lastSeparator: true },
  { open: '', separator: '', close: '' },
  { open: '[', separator: ',', close: ']' },
];

const time = fc.oneof(
  fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 1_800_000_000_999_999_999n }),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 26n }),
  fc.constantFrom(0n, -1n, 999_999_999n, 1_000_000_000n, -1_000_000_000n),
);
const record = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.integer(), fc.boolean()), { maxKeys: 4 });

describe('jsonRecordsBody from a chunk’s bytes', () => {
  it('writes what formatting each decoded record writes, for every date format, key and framing (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time, record }), { maxLength: 30 }),
        fc.constantFrom(...FORMATS),
        fc.constantFrom(undefined, 'date', 'tïme "k"'),
        fc.constantFrom(...PARTS),
        fc.boolean(),
        (events: LogEvent[], dateFormat, dateKey, parts, repeatTimes) => {
          // Records sharing a time (a batch read at once) take the cached date.
          const list = repeatTimes ? events.map((e, i) => ({ ...e, time: events[i - (i % 3)]!.time })) : events;
          const options = { dateKey, dateFormat };
          const texts = formatJsonRecords({ tag: 't', events: list }, options);
          const expected = parts.open + texts.join(parts.separator) + (parts.lastSeparator && texts.length > 0 ? parts.separator : '') + parts.close;
          const body = jsonRecordsBody({ tag: 't', events: list, records: EncodedRecords.from(list) }, options, parts);
          expect(body.toString()).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands out the same bytes in pieces of any size, their total the length it announced first (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time, record }), { maxLength: 30 }),
        fc.constantFrom(...FORMATS),
        fc.constantFrom(undefined, 'date'),
        fc.constantFrom(...PARTS),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        (events: LogEvent[], dateFormat, dateKey, parts, sizes) => {
          const options = { dateKey, dateFormat };
          const records = EncodedRecords.from(events);
          const whole = jsonRecordsBody({ tag: 't', events, records }, options, parts);
          const pieces = new JsonBodyPieces(records, options, parts);
          expect(pieces.length).toBe(whole.length);
          const got: Buffer[] = [];
          for (let k = 0; ; k++) {
            const piece = Buffer.alloc(sizes[k % sizes.length]!);
            const n = pieces.fill(piece);
            if (n === 0) break;
            got.push(Buffer.from(piece.subarray(0, n)));
          }
          expect(Buffer.concat(got).equals(whole)).toBe(true);
          // Asked again once written (a sender's last turn): nothing more, no error.
          expect(pieces.fill(Buffer.alloc(8))).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
