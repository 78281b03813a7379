import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CursorQueue } from '../../../../src/plugins/inputs/systemd/cursor-queue.js';
import { entryRecord } from '../../../../src/plugins/inputs/systemd/journal-entry.js';

describe('systemd cursor queue', () => {
  it('stores, after any order of releases, the cursor of the longest released prefix, never going back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: 0, maxLength: n }))),
        ([n, order]) => {
          const stored: number[] = [];
          const q = new CursorQueue((c) => stored.push(Number(c)));
          const release = Array.from({ length: n }, (_, i) => q.add(String(i)));
          const released = new Set<number>();
          for (const i of order) {
            release[i]!();
            release[i]!(); // a second call changes nothing
            released.add(i);
            let prefix = 0;
            while (released.has(prefix)) prefix++;
            expect(stored.length === 0 ? 0 : stored[stored.length - 1]! + 1).toBe(prefix);
          }
          for (let i = 1; i < stored.length; i++) expect(stored[i]!).toBeGreaterThan(stored[i - 1]!);
          expect(q.outstanding).toBe(n - (stored.length === 0 ? 0 : stored[stored.length - 1]! + 1));
        },
      ),
      { numRuns: 100 },
    );
  });
});

const fieldName = fc.stringMatching(/^_{0,1}[A-Z][A-Z0-9_]{0,6}$/);
const value = fc.oneof(fc.string(), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }));
const entryArb = fc.dictionary(fieldName, fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 4 })), { maxKeys: 12 });

describe('systemd entry -> record', () => {
  it('keeps every value (up to Max_Fields) under its key, as strings, whatever the options', () => {
    fc.assert(
      fc.property(entryArb, fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 40 }), (entry, strip, lower, maxFields) => {
        const record = entryRecord({ ...entry, __CURSOR: 's=1', __REALTIME_TIMESTAMP: '1' }, { stripUnderscores: strip, lowercase: lower, maxFields });
        const valuesOf = (v: unknown) => (Array.isArray(v) && (v.length === 0 || typeof v[0] !== 'number') ? v.length : 1);
        const total = Object.values(entry).reduce<number>((n, v) => n + valuesOf(v), 0);
        const kept = Object.values(record).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 1), 0);
        expect(kept).toBe(Math.min(total, maxFields));
        for (const [key, v] of Object.entries(record)) {
          expect(key.startsWith('__')).toBe(false);
          if (lower) expect(key).toBe(key.toLowerCase());
          if (Array.isArray(v)) {
            expect(v.length).toBeGreaterThanOrEqual(2);
            for (const x of v) expect(typeof x).toBe('string');
          } else {
            expect(typeof v).toBe('string');
          }
        }
        // Without a cap, a record is the same whatever order journalctl printed the fields in.
        if (maxFields === 40) {
          const reversed = Object.fromEntries(Object.entries(entry).reverse());
          expect(entryRecord(reversed, { stripUnderscores: strip, lowercase: lower, maxFields })).toEqual(record);
        }
      }),
      { numRuns: 300 },
    );
  });
});
