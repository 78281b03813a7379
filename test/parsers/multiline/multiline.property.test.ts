import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/record/event.js';
import { CriLineParser } from '../../../src/parsers/multiline/container-parsers.js';
import { createMultiline } from '../../../src/parsers/multiline/multiline.js';
import { createParser } from '../../../src/parsers/runtime/create-parser.js';
import { parserPlan } from '../../support/parser-plans.js';

const NOW = 1_700_000_000_000_000_000n;
const STREAMS = ['stdout', 'stderr'] as const;

const fragmentText = fc.array(fc.constantFrom('a', 'b', ' ', 'é', '😀', 'F', 'P', 'stdout', '"', '\\', '\t'), { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
/** A message: its fragments (joined without separator). */
const message = fc.array(fragmentText, { minLength: 1, maxLength: 4 });
const perGroup = fc.record({ stdout: fc.array(message, { maxLength: 5 }), stderr: fc.array(message, { maxLength: 5 }) });

type Line = { stream: (typeof STREAMS)[number]; text: string; last: boolean };

function groupLines(messages: Record<(typeof STREAMS)[number], string[][]>): Record<string, Line[]> {
  const out: Record<string, Line[]> = {};
  for (const stream of STREAMS) {
    out[stream] = messages[stream].flatMap((m) => m.map((text, i) => ({ stream, text, last: i === m.length - 1 })));
  }
  return out;
}

/** Merges two sequences, keeping the order within each, as `picks` choose. */
function interleave<T>(a: T[], b: T[], picks: boolean[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && (picks[k++ % Math.max(1, picks.length)] ?? true));
    out.push(takeA ? a[i++]! : b[j++]!);
  }
  return out;
}

const criLine = (l: Line, n: number) => `2024-01-01T00:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(9, '0')}Z ${l.stream} ${l.last ? 'F' : 'P'} ${l.text}`;
const dockerLine = (l: Line, n: number) =>
  JSON.stringify({ log: l.last ? `${l.text}\n` : l.text, stream: l.stream, time: `2024-01-01T00:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(9, '0')}Z` });

function logsByStream(out: LogEvent[]): Record<string, unknown[]> {
  const by: Record<string, unknown[]> = { stdout: [], stderr: [] };
  for (const e of out) by[e.record['stream'] as string]!.push(e.record['log']);
  return by;
}

describe('multiline properties', () => {
  for (const [name, render, suffix] of [
    ['cri', criLine, ''],
    ['docker', dockerLine, '\n'],
  ] as const) {
    it(`${name}: the same records per stream however stdout and stderr lines interleave`, () => {
      fc.assert(
        fc.property(perGroup, fc.array(fc.boolean(), { maxLength: 30 }), (messages, picks) => {
          const lines = groupLines(messages);
          const merged = interleave(lines['stdout']!, lines['stderr']!, picks);
          const ml = createMultiline([name]);
          const s = ml.stream(1);
          const out: LogEvent[] = [];
          merged.forEach((l, n) => s.push(render(l, n), NOW, out));
          expect(s.pending).toBe(false);
          const by = logsByStream(out);
          for (const stream of STREAMS) expect(by[stream]).toEqual(messages[stream].map((m) => m.join('') + suffix));
          // each record's time is its first fragment's
          const open = new Set<string>();
          const firsts: bigint[] = [];
          merged.forEach((l, n) => {
            if (!open.has(l.stream)) firsts.push(1_704_067_200_000_000_000n + BigInt(n % 60) * 1_000_000_000n + BigInt(n));
            if (l.last) open.delete(l.stream);
            else open.add(l.stream);
          });
          const byValue = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
          expect(out.map((e) => e.time).sort(byValue)).toEqual(firsts.sort(byValue));
        }),
      );
    });
  }

  it('whatever the buffer limit, every byte is in a record or counted as truncated', () => {
    fc.assert(
      fc.property(perGroup, fc.integer({ min: 1, max: 60 }), (messages, limit) => {
        const lines = groupLines(messages);
        const merged = interleave(lines['stdout']!, lines['stderr']!, [true, false]);
        const ml = createMultiline(['cri'], undefined, { bufferLimit: limit });
        const s = ml.stream(1);
        const out: LogEvent[] = [];
        merged.forEach((l, n) => s.push(criLine(l, n), NOW, out));
        s.flush(out);
        const inBytes = merged.reduce((n, l) => n + Buffer.byteLength(l.text), 0);
        const outBytes = out.reduce((n, e) => n + Buffer.byteLength(e.record['log'] as string), 0);
        for (const e of out) expect(Buffer.byteLength(e.record['log'] as string)).toBeLessThanOrEqual(limit);
        expect(outBytes + ml.stats.truncatedBytes).toBe(inBytes);
        if (ml.stats.truncatedBytes === 0) expect(ml.stats.truncated).toBe(0);
      }),
    );
  });

  it('the cri fast path reads exactly what the cri regex reads', () => {
    const regex = createParser(
      parserPlan('cri-regex', {
        Format: 'regex',
        Regex: '^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$',
        Time_Format: '%Y-%m-%dT%H:%M:%S.%L%z',
        Time_Keep: 'On',
        Time_Strict: 'Off',
        Skip_Empty_Values: 'Off',
      }),
    );
    const fast = new CriLineParser();
    const piece = fc.constantFrom(' ', 'stdout', 'stderr', 'std', 'F', 'P', 'x', '2019-05-07T18:57:50.904275087+00:00', '\n', 'é', 'out ', ' F ', 'Z');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const a = fast.parseRecord(text, NOW);
        const b = regex.parseRecord(text, NOW);
        expect(a).toEqual(b);
        if (a !== undefined) {
          expect(Object.keys(a)).toEqual(Object.keys(b!));
          expect(fast.time).toBe(regex.time);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('one regex parser: message times never go back and are always times of records given', () => {
    // A message goes out at the time its group registered last (a start line, or a record passed
    // as it is), and registrations follow the input: so, records given in time order, message
    // times are in order too, also for a message that begins with continuation lines.
    const log = fc.constantFrom('java.lang.Error: x', 'java.lang.Error', '    at a.B.c(B.java:1)', 'Caused by: y', '    ... 2 more', 'plain', '');
    fc.assert(
      fc.property(fc.array(fc.record({ log, gap: fc.integer({ min: 1, max: 5 }), flush: fc.boolean() }), { maxLength: 25 }), (records) => {
        const ml = createMultiline(['java'], undefined, { keyContent: 'log' });
        const s = ml.stream(1);
        const out: LogEvent[] = [];
        const given = new Set<bigint>();
        let time = NOW;
        for (const r of records) {
          time += BigInt(r.gap) * 1_000_000_000n;
          given.add(time);
          s.pushRecord({ log: r.log }, time, out);
          if (r.flush) s.flush(out);
        }
        s.flush(out);
        for (let i = 0; i < out.length; i++) {
          expect(given.has(out[i]!.time)).toBe(true);
          if (i > 0) expect(out[i]!.time).toBeGreaterThanOrEqual(out[i - 1]!.time);
        }
      }),
    );
  });

  it('never throws on any input, whatever the parser list', () => {
    const ml = createMultiline(['docker', 'cri', 'go', 'python', 'java', 'ruby'], undefined, { bufferLimit: 64 });
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 10 }), (lines) => {
        for (const l of lines) s.push(l, NOW, out);
        s.flushExpired(Number(NOW / 1_000_000n) + 10_000, out);
        out.length = 0;
      }),
    );
  });
});
