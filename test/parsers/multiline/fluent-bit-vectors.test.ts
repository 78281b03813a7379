import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/record/event.js';
import { createMultiline } from '../../../src/parsers/multiline/multiline.js';
import cases from '../../../fixtures/parsers/multiline-cases.json' with { type: 'json' };
import type { Given } from '../../support/check.js';
import { planSource } from '../../support/parser-plans.js';

type ParserRef = string | (Given & { name: string });

interface MultilineCase {
  name: string;
  source: string;
  parsers: ParserRef[];
  input: string[] | null;
  expected: string[];
  mode?: 'text' | 'record' | 'chain';
  keyContent?: string;
  flushAtEnd?: boolean;
  first?: string[];
  chainInput?: string[];
}

const NOW = 1_700_000_000_000_000_000n;

function setup(refs: ParserRef[], keyContent?: string) {
  const custom = refs.filter((r): r is Given & { name: string } => typeof r !== 'string');
  const names = refs.map((r) => (typeof r === 'string' ? r : r.name));
  return createMultiline(names, planSource({}, custom), keyContent === undefined ? {} : { keyContent });
}

function run(c: MultilineCase): LogEvent[] {
  const out: LogEvent[] = [];
  const stream = setup(c.parsers, c.keyContent).stream('test');
  if (c.mode === 'chain') {
    const first = setup(c.first ?? []).stream('first');
    const records: LogEvent[] = [];
    c.chainInput!.forEach((line, i) => first.push(line, NOW + BigInt(i), records));
    first.flush(records);
    for (const e of records) stream.pushRecord(e.record, e.time, out);
  } else {
    c.input!.forEach((line, i) => {
      if (c.mode === 'record') stream.pushRecord({ log: line }, NOW + BigInt(i), out);
      else stream.push(line, NOW + BigInt(i), out);
    });
  }
  if (c.flushAtEnd) stream.flush(out);
  return out;
}

describe('multiline: Fluent Bit test vectors (tests/internal/multiline.c)', () => {
  it.each((cases as MultilineCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = run(c);
    expect(out.map((e) => e.record['log'])).toEqual(c.expected);
  });
});
