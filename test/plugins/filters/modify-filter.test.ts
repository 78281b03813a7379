import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modifyProgram, parseModifyRule, type ModifyRuleKey } from '../../../src/plugins/filters/modify/options.js';
import { applyRules, ModifyFilter } from '../../../src/plugins/filters/modify/modify-filter.js';
import { setField } from '../../../src/parsers/runtime/types.js';
import { filterSection, runFilters } from './filter-harness.js';

const modify = async (lines: string[], records: Record<string, unknown>[]) => (await runFilters(filterSection('modify', lines), records)).records;

describe('modify filter', () => {
  it('Set replaces and moves the key to the end; Add only when missing (filter_modify.c set/add vectors)', async () => {
    expect(await modify(['Set a x', 'Add b y', 'Add c z'], [{ a: 'A', b: 'B', d: 1 }])).toEqual([{ b: 'B', d: 1, a: 'x', c: 'z' }]);
    const [r] = await modify(['Set a x'], [{ a: 'A', b: 'B' }]);
    expect(Object.keys(r!)).toEqual(['b', 'a']);
  });

  it('Rename keeps the position and skips when the target exists; Hard_rename replaces it', async () => {
    const input = [{ k1: 'v1', k2: 'v2', k3: 'v3' }];
    const [r1] = await modify(['Rename k1 n1'], input.map((r) => ({ ...r })));
    expect(Object.entries(r1!)).toEqual([['n1', 'v1'], ['k2', 'v2'], ['k3', 'v3']]);
    expect(await modify(['Rename k1 k2'], input.map((r) => ({ ...r })))).toEqual(input);
    const [r2] = await modify(['Hard_rename k1 k3'], input.map((r) => ({ ...r })));
    expect(Object.entries(r2!)).toEqual([['k3', 'v1'], ['k2', 'v2']]);
    // apply_rule_HARD_RENAME drops every pair named like the target first: onto itself, the key goes.
    expect(await modify(['Hard_rename k2 k2'], input.map((r) => ({ ...r })))).toEqual([{ k1: 'v1', k3: 'v3' }]);
  });

  it('Copy inserts the new key after the source; Hard_copy replaces an existing target', async () => {
    const [r1] = await modify(['Copy a c'], [{ a: 1, b: 2 }]);
    expect(Object.entries(r1!)).toEqual([['a', 1], ['c', 1], ['b', 2]]);
    expect(await modify(['Copy a b'], [{ a: 1, b: 2 }])).toEqual([{ a: 1, b: 2 }]);
    const [r2] = await modify(['Hard_copy a b'], [{ b: 2, a: { x: 1 } }]);
    expect(Object.entries(r2!)).toEqual([['a', { x: 1 }], ['b', { x: 1 }]]);
  });

  it('Remove, Remove_wildcard (byte prefix), Remove_regex, Move_to_start, Move_to_end', async () => {
    const rec = () => ({ Mem_total: 1, Mem_used: 2, Swap: 3, cpu: 4, Memory: 5 });
    expect(Object.keys((await modify(['Remove_wildcard Mem'], [rec()]))[0]!)).toEqual(['Swap', 'cpu']);
    expect(Object.keys((await modify(['Remove_regex ^M.*_'], [rec()]))[0]!)).toEqual(['Swap', 'cpu', 'Memory']);
    expect(Object.keys((await modify(['Remove cpu'], [rec()]))[0]!)).toEqual(['Mem_total', 'Mem_used', 'Swap', 'Memory']);
    expect(Object.keys((await modify(['Move_to_start S'], [rec()]))[0]!)).toEqual(['Swap', 'Mem_total', 'Mem_used', 'cpu', 'Memory']);
    expect(Object.keys((await modify(['Move_to_end Mem'], [rec()]))[0]!)).toEqual(['Swap', 'cpu', 'Mem_total', 'Mem_used', 'Memory']);
  });

  it('rules run in file order across keys', async () => {
    expect(await modify(['Rename a b', 'Set b x'], [{ a: '1' }])).toEqual([{ b: 'x' }]);
    expect(await modify(['Set b x', 'Rename a b'], [{ a: '1' }])).toEqual([{ a: '1', b: 'x' }]);
  });

  it('conditions are all checked on the incoming record; value conditions need the key', async () => {
    const input = [
      { k: 'v', n: 1, flag: true },
      { k: 'w', n: 1 },
      { n: 2 },
    ];
    const run = (c: string) => modify([`Condition ${c}`, 'Set hit yes'], input.map((r) => ({ ...r })));
    const hits = async (c: string) => (await run(c)).map((r) => r['hit'] === 'yes');
    expect(await hits('Key_exists k')).toEqual([true, true, false]);
    expect(await hits('Key_does_not_exist k')).toEqual([false, false, true]);
    expect(await hits('Key_value_equals k v')).toEqual([true, false, false]);
    expect(await hits('Key_value_does_not_equal k v')).toEqual([false, true, false]);
    expect(await hits('Key_value_matches flag ^true$')).toEqual([true, false, false]);
    expect(await hits('Key_value_does_not_match k ^v')).toEqual([false, true, false]);
    expect(await hits('Key_value_equals n 1')).toEqual([false, false, false]);
    expect(await hits('A_key_matches ^fl')).toEqual([true, false, false]);
    expect(await hits('No_key_matches ^k$')).toEqual([false, false, true]);
    expect(await hits('Matching_keys_have_matching_values ^k$ ^v$')).toEqual([true, false, true]);
    expect(await hits('Matching_keys_do_not_have_matching_values ^k$ ^v$')).toEqual([false, true, false]);
  });

  it('Copy and Rename never lose keys', async () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.string({ maxLength: 3 })), fc.constantFrom('Copy', 'Rename', 'Hard_copy'), key, key, async (rec, op, from, to) => {
        const [out] = await modify([`${op} ${from} ${to}`], [{ ...rec }]);
        const expected = new Set(Object.keys(rec));
        if (op === 'Rename' && from in rec && !(to in rec)) {
          expected.delete(from);
          expected.add(to);
        } else if (from in rec) expected.add(to);
        expect(new Set(Object.keys(out!))).toEqual(expected);
        for (const k of Object.keys(rec)) if (k !== from || op !== 'Rename') expect(out![k] ?? out![to]).toBeDefined();
      }),
      { numRuns: 30 },
    );
  });
});

describe('modify filter: rules planned once per record shape', () => {
  const keys = ['a', 'b', 'c', 'Mem_x', 'tmp_1', '__proto__'];
  const rule = fc.oneof(
    fc.tuple(fc.constantFrom('set', 'add', 'rename', 'hard_rename', 'copy', 'hard_copy'), fc.constantFrom(...keys), fc.constantFrom(...keys, 'new')),
    fc.tuple(fc.constantFrom('remove', 'remove_wildcard', 'move_to_start', 'move_to_end'), fc.constantFrom(...keys, 'Mem', 'tmp_')),
    fc.tuple(fc.constant('remove_regex'), fc.constantFrom('^tmp_[0-9]$', 'b|c')),
  );
  const record = fc
    .uniqueArray(fc.constantFrom(...keys), { maxLength: keys.length })
    .chain((ks) => fc.tuple(...ks.map((k) => fc.tuple(fc.constant(k), fc.oneof(fc.string({ maxLength: 2 }), fc.integer(), fc.constant({ n: 1 }))))));
  const build = (pairs: [string, unknown][]) => {
    const r: Record<string, unknown> = {};
    for (const [k, v] of pairs) setField(r, k, v);
    return r;
  };

  it('gives what the rules give one after another, key order included, over many shapes in turn', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 5 }), fc.array(record, { minLength: 1, maxLength: 12 }), (ruleSpecs, records) => {
        const rules = ruleSpecs.map(([op, ...args]) => {
          const parsed = parseModifyRule(op as ModifyRuleKey, args.join(' '));
          if (!parsed.ok) throw new Error(parsed.message);
          return { key: op, value: parsed.value };
        });
        const filter = new ModifyFilter(modifyProgram(rules));
        // twice over, so that shapes come back after others (recent plans, then the plan map)
        const events = [...records, ...records].map((pairs) => ({ time: 0n, record: build(pairs) }));
        const out = filter.filter('t', events);
        const want = [...records, ...records].map((pairs) => applyRules(build(pairs), rules.map((r) => r.value)));
        expect(out.map((e) => Object.entries(e.record))).toEqual(want.map((r) => Object.entries(r)));
        for (const e of out) expect(Object.getPrototypeOf(e.record)).toBe(Object.prototype);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same with more shapes than it keeps plans for (it then runs the rules on each record for a while)', () => {
    const lines = ['Rename log message', 'Set source api', 'Copy stream channel', 'Remove stream', 'Move_to_start k'];
    const rules = lines.map((l) => {
      const [op, ...rest] = l.split(' ');
      const parsed = parseModifyRule(op!.toLowerCase() as ModifyRuleKey, rest.join(' '));
      if (!parsed.ok) throw new Error(parsed.message);
      return { key: op!.toLowerCase(), value: parsed.value };
    });
    const filter = new ModifyFilter(modifyProgram(rules));
    const make = (i: number) => ({ [`k${i % 500}`]: i, log: `line ${i}`, stream: i % 3 === 0 ? 'stderr' : 'stdout' });
    const events = Array.from({ length: 40_000 }, (_, i) => ({ time: 0n, record: make(i) }));
    const out = filter.filter('t', events);
    const want = Array.from({ length: 40_000 }, (_, i) => applyRules(make(i), rules.map((r) => r.value)));
    expect(out.map((e) => JSON.stringify(e.record))).toEqual(want.map((r) => JSON.stringify(r)));
  });
});

