import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateClassic } from '../../../src/config/validate.js';
import type { LogEvent } from '../../../src/record/event.js';
import { createLogger } from '../../../src/engine/logger.js';
import { Counters } from '../../../src/engine/metrics.js';
import { pluginContext } from '../../../src/engine/plugin-context.js';
import type { FilterContext, FilterRuntime } from '../../../src/engine/plugin.js';
import { timeFromDouble, timeToDouble } from '../../../src/plugins/filters/lua/lua-filter.js';
import { capture, planFrom } from '../../support/pipeline.js';
import { filterSection, runFilters } from './filter-harness.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 100);

/** A lua filter created from config lines as the pipeline creates it, with its log lines and counters. */
async function luaFilter(lines: readonly string[]): Promise<{ filter: FilterRuntime; logs: string[]; counters: Counters }> {
  const plan = planFrom(`[INPUT]\n    Name dummy\n\n${filterSection('lua', lines)}[OUTPUT]\n    Name null\n    Match *\n`);
  const instance = plan.filters[0]!;
  const logs: string[] = [];
  const counters = new Counters();
  const ctx: FilterContext = {
    ...pluginContext(instance, plan, { log: createLogger('info', (l) => logs.push(l), instance.displayName), counters, host: { stdout: process.stdout, attachLibInput: () => undefined, deliverLib: () => undefined } }),
    emitter: () => () => undefined,
  };
  const filter = (await instance.definition!.create!(instance.options as never, ctx as never)) as FilterRuntime;
  return { filter, logs, counters };
}

const T = 1_709_287_200_123_456_789n;
const ev = (record: Record<string, unknown>, time = T): LogEvent => ({ time, record });

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-lua-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('lua filter', () => {
  let identity: Awaited<ReturnType<typeof luaFilter>>;
  beforeAll(async () => {
    identity = await luaFilter(['code function cb(tag, ts, record) return 2, ts, record end', 'call cb', 'enable_flb_null On']);
  });
  afterAll(async () => {
    await identity.filter.stop?.();
  });

  it('gives back any JSON record unchanged through Lua with enable_flb_null (code 2): values, key order, empty arrays and maps', () => {
    const key = fc.string({ unit: 'grapheme', maxLength: 8 });
    const scalar = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ maxDepth: 3 }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value, { maxKeys: 6 }), { minLength: 1, maxLength: 5 }), (records) => {
        const events = records.map((r) => ev(r));
        const out = identity.filter.filter('t', events) as LogEvent[];
        expect(out.map((e) => JSON.stringify(e.record))).toEqual(records.map((r) => JSON.stringify(r)));
        expect(out.map((e) => e.time)).toEqual(events.map((e) => e.time));
      }),
      { numRuns: RUNS },
    );
  });

  it('carries strings of several megabytes both ways (the wasm memory grows under the string buffer)', () => {
    const big = `${'é'.repeat(5_000_000)}end`;
    const out = identity.filter.filter('t', [ev({ big, small: 'x' })]) as LogEvent[];
    expect(out[0]!.record['big']).toBe(big);
    expect(out[0]!.record['small']).toBe('x');
  });

  it('converts the time to a double and back as flb_time_to_double / flb_time_from_double (nanoseconds truncated)', () => {
    expect(timeToDouble(T)).toBe(1709287200.1234567);
    expect(timeFromDouble(timeToDouble(T))).toBe(1_709_287_200_123_456_716n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 4_000_000_000n * 1_000_000_000n }), (t) => {
        const back = timeFromDouble(timeToDouble(t));
        // A double holds about 16 digits: the round trip stays within a microsecond and never goes up.
        expect(back <= t + 1000n && t - back < 1000n).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the keys of the record passed in, in their order, then new keys sorted: the same on every run', async () => {
    const { records } = await runFilters(
      filterSection('lua', ['code function cb(t, ts, r) r.zeta = 1 r.alpha = 2 r.b = nil r.nested.z = 0 return 2, ts, r end', 'call cb']),
      [{ c: 1, b: 2, a: 3, nested: { y: 1, x: 2 } }],
    );
    expect(JSON.stringify(records)).toBe('[{"c":1,"a":3,"nested":{"y":1,"x":2,"z":0},"alpha":2,"zeta":1}]');
    // Records split from one take its key order too.
    const split = await runFilters(filterSection('lua', ['code function cb(t, ts, r) return 1, ts, {{b = 1, z = 0, a = 2}, r} end', 'call cb']), [{ c: 1, b: 2, a: 3 }]);
    expect(JSON.stringify(split.records)).toBe('[{"b":1,"a":2,"z":0},{"c":1,"b":2,"a":3}]');
  });

  it('a Lua error leaves the whole batch as it came (records dropped before it included), logged with the chunk and line, counted', async () => {
    const script = tempFile('errors.lua', 'function cb(t, ts, r)\n  if r.i == 1 then return -1, ts, r end\n  if r.i == 2 then error("bad record") end\n  r.x = 1\n  return 1, ts, r\nend\n');
    const { filter, logs, counters } = await luaFilter([`script ${script}`, 'call cb']);
    const batch = [ev({ i: 1 }), ev({ i: 2 }), ev({ i: 3 })];
    expect(filter.filter('t', batch)).toBe(batch);
    expect(counters.get('errors')).toBe(1);
    expect(logs.join('')).toContain(`error code 2: ${script}:3: bad record; the 3 records of this batch pass unchanged`);
    // The next batch runs normally.
    expect((filter.filter('t', [ev({ i: 1 }), ev({ i: 3 })]) as LogEvent[]).map((e) => e.record)).toEqual([{ i: 3, x: 1 }]);
    await filter.stop?.();
  });

  it('splits a returned array of maps into records with one time; refuses an array holding something else', async () => {
    const { filter, logs } = await luaFilter(['code function cb(t, ts, r) if r.bad then return 1, ts, {1, 2} end return 1, ts + 1, {{a = 1}, {b = 2}} end', 'call cb']);
    const out = filter.filter('t', [ev({ x: 1 })]) as LogEvent[];
    expect(out.map((e) => e.record)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(out.map((e) => e.time)).toEqual([timeFromDouble(timeToDouble(T) + 1), timeFromDouble(timeToDouble(T) + 1)]);
    const bad = [ev({ bad: true })];
    expect(filter.filter('t', bad)).toBe(bad);
    expect(logs.join('')).toContain('invalid table returned at cb(), (null)');
    await filter.stop?.();
  });

  // Expected values: what Fluent Bit 4.2.8's LuaJIT (/work/fb-src/build/bin/luajit) prints for the same expressions.
  it('bridges LuaJIT names (unpack, table.getn, bit) and prints whole numbers as LuaJIT does', async () => {
    const { filter } = await luaFilter([
      'code function cb(t, ts, r) local a, b = unpack({1, 2}) r.sum = a + b r.n = table.getn({1, 2, 3}) r.band = bit.band(0xff, 0x0f) r.bnot = bit.bnot(0) r.ts = tostring(ts) r.count = tostring(r.count) r.bits = table.concat({bit.tohex(255), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.lshift(1, 31), bit.tobit(2^32 + 5)}, " ") return 2, ts, r end',
      'call cb',
    ]);
    const out = filter.filter('t', [ev({ count: 3 }, 1_700_000_000_000_000_000n)]) as LogEvent[];
    expect(out[0]!.record).toEqual({ count: '3', sum: 3, n: 3, band: 15, bnot: -1, ts: '1700000000', bits: '000000ff 15 -16 -2147483648 5' });
    await filter.stop?.();
  });

  it('formats floats as LuaJIT does in tostring and string.format (%s, and %d truncating)', async () => {
    const { filter } = await luaFilter([
      "code function cb(t, ts, r) r.a = tostring(10 / 2) r.b = string.format('%s|%d|%5.1f|%x|%%', 10 / 4 * 2, 7.9, 2.25, 255.0) r.c = tostring(0.1) r.d = tostring(2^63) r.e = tostring(-7) return 2, ts, r end",
      'call cb',
    ]);
    expect((filter.filter('t', [ev({})]) as LogEvent[])[0]!.record).toEqual({ a: '5', b: '5|7|  2.2|ff|%', c: '0.1', d: '9.2233720368548e+18', e: '-7' });
    await filter.stop?.();
  });

  it('reads the environment with os.getenv and FLB_ENV.HOSTNAME', async () => {
    process.env['LOGFERRY_LUA_TEST'] = 'from-env';
    const { filter } = await luaFilter(['code function cb(t, ts, r) r.e = os.getenv("LOGFERRY_LUA_TEST") r.h = type(FLB_ENV) return 2, ts, r end', 'call cb']);
    expect((filter.filter('t', [ev({})]) as LogEvent[])[0]!.record).toEqual({ e: 'from-env', h: 'table' });
    await filter.stop?.();
  });
});

describe('lua filter at start (where Fluent Bit refuses to start)', () => {
  const conf = (lines: readonly string[]) => `[INPUT]\n    Name dummy\n\n${filterSection('lua', lines)}[OUTPUT]\n    Name null\n    Match *\n`;

  it('validate: a script that does not exist is an error at the Script line; no Script nor Code, no Call: errors at the section', () => {
    const missing = validateClassic('/nowhere/fluent-bit.conf', { text: conf(['script nope.lua', 'call cb']) });
    expect(missing.diagnostics.map((d) => [d.code, d.line, d.message])).toContainEqual(['include-not-found', 7, "cannot access script 'nope.lua': no such file"]);
    const empty = validateClassic('/nowhere/fluent-bit.conf', { text: conf([]) }).diagnostics.map((d) => d.message);
    expect(empty).toEqual(expect.arrayContaining([expect.stringMatching(/no script path defined/), expect.stringMatching(/'call' is not set/)]));
  });

  it('validate: a relative Script is found from the main configuration file\'s directory, as Fluent Bit does', () => {
    const script = tempFile('s.lua', 'function cb(t, ts, r) return 0, ts, r end\n');
    const dir = script.slice(0, script.lastIndexOf('/'));
    const result = validateClassic(join(dir, 'fluent-bit.conf'), { text: conf(['script s.lua', 'call cb']), cwd: '/' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('validate: a Lua syntax error is an error at the Script or Code line with Lua\'s message (the script is compiled, not run)', () => {
    const script = tempFile('broken.lua', 'os.exit(3)\nfunction cb(t, ts, r)\n  return 0, ts r\nend\n');
    const inFile = validateClassic('/nowhere/fluent-bit.conf', { text: conf([`script ${script}`, 'call cb']) }).diagnostics;
    expect(inFile.map((d) => [d.severity, d.line, d.message])).toContainEqual(['error', 7, `error loading script: ${script}:3: 'end' expected (to close 'function' at line 2) near 'r'`]);
    const inline = validateClassic('/nowhere/fluent-bit.conf', { text: conf(['call cb', 'code function cb(t, ts, r) return 0 ts, r end']) }).diagnostics;
    expect(inline.map((d) => [d.line, d.message])).toContainEqual([8, `error loading buffer: [string "fluentbit.lua"]:1: 'end' expected near 'ts'`]);
  });

  it('run: a Lua syntax error, an error while the chunk runs, a missing function: the agent does not start, the message names the line', async () => {
    const script = tempFile('broken.lua', 'function cb(t, ts, r)\n  return 0, ts, r\nend\n');
    const start = async (lines: readonly string[], breakScript = false) => {
      const run = capture(planFrom(`[INPUT]\n    Name lib\n\n${filterSection('lua', lines)}[OUTPUT]\n    Name lib\n    Match *\n`));
      // Broken after validation: what `run` does when the file changed since.
      if (breakScript) writeFileSync(script, 'function cb(t, ts, r)\n  return 0, ts r\nend\n');
      try {
        await run.pipeline.start();
        return 'started';
      } catch (err) {
        return (err as Error).message;
      } finally {
        await run.pipeline.stop();
      }
    };
    expect(await start([`script ${script}`, 'call cb'], true)).toMatch(new RegExp(`inline\\.conf:7: \\[FILTER\\] lua \\(lua\\.0\\): error loading script: ${script.replace(/[.]/g, '\\.')}:2: .*near 'r'`));
    expect(await start(['code error("at load")', 'call cb'])).toMatch(/inline\.conf:7: .*invalid lua content: \[string "fluentbit\.lua"\]:1: at load/);
    expect(await start(['code function other() end', 'call cb'])).toMatch(/inline\.conf:8: .*function cb is not found/);
  });
});
