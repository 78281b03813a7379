import { describe, expect, it } from 'vitest';
import { createParser } from '../../../src/parsers/runtime/create-parser.js';
import cases from '../../../fixtures/parsers/parser-cases.json' with { type: 'json' };
import type { Given } from '../../support/check.js';
import { parserPlan } from '../../support/parser-plans.js';

interface ParserCase {
  name: string;
  source: string;
  parser: Given;
  text: string;
  /** The record, or null when the text does not parse. */
  expected: Record<string, unknown> | null;
  /** Event time in nanoseconds, or "now". */
  time: string;
}

const NOW = 1_700_000_000_123_456_789n;

describe('parsers: case table (fixtures/parsers/parser-cases.json)', () => {
  it.each((cases as unknown as ParserCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const parser = createParser(parserPlan('case', c.parser));
    const result = parser.parse(c.text, NOW);
    if (c.expected === null) {
      expect(result).toBeUndefined();
      return;
    }
    expect(result).toBeDefined();
    expect(result!.record).toEqual(c.expected);
    expect(Object.keys(result!.record)).toEqual(Object.keys(c.expected));
    expect(result!.time).toBe(c.time === 'now' ? NOW : BigInt(c.time));
  });
});

describe('parsers: details', () => {
  it('a field named __proto__ is an own field', () => {
    const p = createParser(parserPlan('p', { Format: 'logfmt' }));
    const r = p.parse('__proto__=x a=1', NOW)!.record;
    expect(Object.keys(r)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });

  it('parseRecord leaves the event time in time', () => {
    const p = createParser(parserPlan('p', { Format: 'json', Time_Format: '%s' }));
    expect(p.parseRecord('{"time":"1500322623","a":1}', NOW)).toEqual({ a: 1 });
    expect(p.time).toBe(1_500_322_623_000_000_000n);
    expect(p.parseRecord('{"a":1}', NOW)).toEqual({ a: 1 });
    expect(p.time).toBe(NOW);
  });

  it('json: integers beyond 2^53 lose precision (documented)', () => {
    const p = createParser(parserPlan('p', { Format: 'json' }));
    expect(p.parse('{"n":9007199254740993}', NOW)!.record['n']).toBe(9007199254740992);
  });
});
