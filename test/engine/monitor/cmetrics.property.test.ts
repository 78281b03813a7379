import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePrometheus, encodeText, type MetricFamily } from '../../../src/engine/monitor/cmetrics.js';
import { parsePrometheus } from '../../support/prometheus.js';

const labelName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const labels = fc.uniqueArray(fc.tuple(labelName, fc.string({ maxLength: 12 })), { selector: ([k]) => k, maxLength: 3 }).filter((l) => l.every(([k]) => k !== 'le'));

const family = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/),
  help: fc.string({ maxLength: 20 }).map((h) => h.replace(/\n/g, ' ')),
  type: fc.constantFrom('counter' as const, 'gauge' as const),
  samples: fc.array(fc.record({ labels, value: fc.integer({ min: 0, max: 2 ** 40 }) }), { minLength: 1, maxLength: 3 }),
});

describe('cmetrics encodings', () => {
  it('the Prometheus text reads back to the same samples, whatever the label values (escaped)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(family, { selector: (f) => f.name, minLength: 1, maxLength: 4 }), (families) => {
        const p = parsePrometheus(encodePrometheus(families));
        for (const f of families) {
          expect(p.type.get(f.name)).toBe(f.type);
          expect(p.samples.get(f.name)).toEqual(f.samples.map((s) => ({ labels: Object.fromEntries(s.labels), value: s.value })));
        }
      }),
    );
  });

  it('the text form has one line a sample, and a histogram’s +Inf bucket is its count', () => {
    fc.assert(
      fc.property(fc.uniqueArray(family, { selector: (f) => f.name, maxLength: 4 }), fc.nat({ max: 50 }), (families: MetricFamily[], observed) => {
        const histogram: MetricFamily = { name: 'h_seconds', help: 'h', type: 'histogram', samples: [{ labels: [], buckets: [[0.5, 0], [1, observed]], sum: observed, count: observed }] };
        const text = encodeText([...families, histogram], Date.UTC(2026, 11, 7, 10, 50, 32, 684));
        const lines = text.trimEnd().split('\n');
        expect(lines).toHaveLength(families.reduce((n, f) => n + f.samples.length, 0) + 1);
        for (const l of lines) expect(l.startsWith('2026-12-07T10:50:32.684000000Z ')).toBe(true);
        expect(lines.at(-1)).toBe(`2026-12-07T10:50:32.684000000Z h_seconds = { buckets = { 0.5=0, 1=${observed}, +Inf=${observed} }, sum=${observed}, count=${observed} }`);
        const p = parsePrometheus(encodePrometheus([histogram]));
        expect(p.value('h_seconds_bucket', { le: '+Inf' })).toBe(observed);
        expect(p.value('h_seconds_bucket', { le: '1.0' })).toBe(observed);
      }),
    );
  });
});
