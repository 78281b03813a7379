import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/record/event.js';
import { createMultiline, MIN_FLUSH_INTERVAL_MS } from '../../../src/parsers/multiline/multiline.js';
import { MultilineSetupError } from '../../../src/parsers/multiline/spec.js';
import { planSource } from '../../support/parser-plans.js';

const NOW = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;

function feed(names: string[], lines: string[], plan = planSource(), bufferLimit?: number): { out: LogEvent[]; pending: boolean } {
  const ml = createMultiline(names, plan, bufferLimit === undefined ? {} : { bufferLimit });
  const stream = ml.stream(1);
  const out: LogEvent[] = [];
  lines.forEach((l, i) => stream.push(l, NOW + BigInt(i) * MS, out));
  return { out, pending: stream.pending };
}

describe('cri', () => {
  it('records are {time, stream, _p, log} from the first fragment, at its parsed time', () => {
    const { out } = feed(['cri'], ['2019-05-07T18:57:50.904275087+00:00 stdout P a', '2019-05-07T18:57:51.000000001+00:00 stdout F b', '2019-05-07T18:57:52Z stderr F c']);
    expect(out).toEqual([
      { time: 1_557_255_470_904_275_087n, record: { time: '2019-05-07T18:57:50.904275087+00:00', stream: 'stdout', _p: 'P', log: 'ab' } },
      // no fraction: %L fails, and cri's time is not strict, so the part read so far counts
      { time: 1_557_255_472_000_000_000n, record: { time: '2019-05-07T18:57:52Z', stream: 'stderr', _p: 'F', log: 'c' } },
    ]);
    expect(Object.keys(out[0]!.record)).toEqual(['time', 'stream', '_p', 'log']);
  });

  it('an empty F line ends the message; an empty log is kept', () => {
    const { out } = feed(['cri'], ['2019-05-07T18:57:50.1Z stdout F ', '2019-05-07T18:57:50.1Z stdout P x', '2019-05-07T18:57:50.2Z stdout F ']);
    expect(out.map((e) => e.record['log'])).toEqual(['', 'x']);
  });

  it('lines that are not cri (missing space after the tag, no stream) are not accepted', () => {
    const { out } = feed(['cri'], ['2019-05-07T18:57:50.1Z stdout F', 'stdout F x', '2019 stdin F x']);
    expect(out.map((e) => e.record)).toEqual([{ log: '2019-05-07T18:57:50.1Z stdout F' }, { log: 'stdout F x' }, { log: '2019 stdin F x' }]);
  });
});

describe('docker', () => {
  it('records keep the JSON envelope with log joined; the time string stays', () => {
    const { out } = feed(['docker'], ['{"log":"a","stream":"stdout","time":"2021-02-01T16:45:03.01231Z"}', '{"log":"b\\n","stream":"stdout","time":"2021-02-01T16:45:04.0Z"}']);
    expect(out).toEqual([{ time: 1_612_197_903_012_310_000n, record: { log: 'ab\n', stream: 'stdout', time: '2021-02-01T16:45:03.01231Z' } }]);
  });

  it('an empty log cannot end with a newline: the line is not accepted', () => {
    const { out } = feed(['docker'], ['{"log":"","stream":"stdout","time":"2021-02-01T16:45:03.01231Z"}']);
    expect(out.map((e) => e.record)).toEqual([{ log: '{"log":"","stream":"stdout","time":"2021-02-01T16:45:03.01231Z"}' }]);
  });
});

describe('lines no parser accepts', () => {
  it('flush what is pending, then become {key_content of the first parser or log: line} at now', () => {
    const { out } = feed(['cri'], ['2019-05-07T18:57:50.1Z stdout P part', 'plain text']);
    expect(out).toEqual([
      { time: 1_557_255_470_100_000_000n, record: { time: '2019-05-07T18:57:50.1Z', stream: 'stdout', _p: 'P', log: 'part' } },
      { time: NOW + MS, record: { log: 'plain text' } },
    ]);
  });

  it('raw-text first parsers add the final newline; empty lines give nothing', () => {
    const { out } = feed(['python'], ['hello', '', 'x\n']);
    expect(out.map((e) => e.record)).toEqual([{ log: 'hello\n' }, { log: 'x\n' }]);
    const custom = planSource({}, [{ name: 'kc', type: 'regex', key_content: 'message', rule: ['"start_state" "/^S/" "cont"', '"cont" "/^ /" "cont"'] }]);
    expect(feed(['kc'], ['hello'], custom).out.map((e) => e.record)).toEqual([{ message: 'hello' }]);
  });
});

describe('several parsers', () => {
  it('the parser that took the previous line is tried first', () => {
    // both accept a line starting with "S"; the second took "T..." last, so it gets "S..." too
    const plan = planSource({}, [
      { name: 'one', type: 'regex', rule: ['"start_state" "/^S/" "c1"', '"c1" "/^ /" "c1"'] },
      { name: 'two', type: 'regex', rule: ['"start_state" "/^[ST]/" "c2"', '"c2" "/^  /" "c2"'] },
    ]);
    const ml = createMultiline(['one', 'two'], plan);
    const s = ml.stream('x');
    const out: LogEvent[] = [];
    for (const l of ['T1', '  a', 'S2', '  b', ' c']) s.push(l, NOW, out);
    s.flush(out);
    // "S2" goes to two (it took the last line), not to one (first in the list); " c" continues
    // neither parser's message, so it flushes two's message and stands alone
    expect(out.map((e) => e.record['log'])).toEqual(['T1\n  a\n', 'S2\n  b\n', ' c\n']);
  });
});

describe('regex rules', () => {
  const plan = planSource({}, [
    {
      name: 'r',
      type: 'regex',
      rule: ['"start_state" "/^start/" "cont"', '"cont" "/^ +/" "cont"', '"cont" "/^end/" "start_state"', '"cont" "/^start again/" "cont"'],
    },
  ]);

  it('a start line flushes the message in progress and starts a new one', () => {
    expect(feed(['r'], ['start 1', '  a', 'start 2', '  b'], plan).out.map((e) => e.record['log'])).toEqual(['start 1\n  a\n']);
  });

  it('continuation rules come from the current rule next state; start rules are skipped there', () => {
    // "start again" matches a cont rule but also a start rule: as a continuation it is appended
    const r = feed(['r'], ['start 1', 'start again'], plan);
    expect(r.out).toEqual([]);
    expect(r.pending).toBe(true);
  });

  it('a rule whose next state has a start rule ends the message at once', () => {
    expect(feed(['r'], ['start 1', ' a', 'end'], plan).out.map((e) => e.record['log'])).toEqual(['start 1\n a\nend\n']);
  });

  it('a line matching nothing outside a message is emitted alone', () => {
    expect(feed(['r'], ['nothing', ' x'], plan).out.map((e) => e.record['log'])).toEqual(['nothing\n', ' x\n']);
  });

  it('empty continuation lines add a line break', () => {
    const p = planSource({}, [{ name: 'e', type: 'regex', rule: ['"start_state" "/^s/" "c"', '"c" "/^$/" "c"', '"c" "/^x/" "c"'] }]);
    const ml = createMultiline(['e'], p);
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    for (const l of ['s', '', 'x']) s.push(l, NOW, out);
    s.flush(out);
    expect(out.map((e) => e.record['log'])).toEqual(['s\n\nx\n']);
  });

  it('a custom parser with a parser: content and group come from the parsed record', () => {
    const p = planSource({ app: { Format: 'regex', Regex: '^(?<level>[A-Z]+) (?<src>\\w+) (?<msg>.*)$' } }, [
      { name: 'app-ml', type: 'regex', parser: 'app', key_content: 'msg', key_group: 'src', rule: ['"start_state" "/^Exception/" "cont"', '"cont" "/^\\s+at /" "cont"'] },
    ]);
    const ml = createMultiline(['app-ml'], p);
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    for (const l of ['ERROR a Exception: boom', 'ERROR b Exception: bang', 'ERROR a   at x()', 'ERROR b   at y()']) s.push(l, NOW, out);
    s.flush(out);
    expect(out.map((e) => e.record)).toEqual([
      { level: 'ERROR', src: 'a', msg: 'Exception: boom\n  at x()' },
      { level: 'ERROR', src: 'b', msg: 'Exception: bang\n  at y()' },
    ]);
  });
});

describe('endswith and equal', () => {
  it('equal with negate and key_pattern: the message ends on a line whose pattern differs', () => {
    const p = planSource({ kv: { Format: 'logfmt' } }, [
      { name: 'cont', type: 'equal', match_string: 'yes', negate: 'on', parser: 'kv', key_content: 'msg', key_pattern: 'more', key_group: 'id' },
    ]);
    const ml = createMultiline(['cont'], p);
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    for (const l of ['id=1 more=yes msg=a', 'id=2 more=no msg=z', 'id=1 more=no msg=b']) s.push(l, NOW, out);
    expect(out.map((e) => e.record)).toEqual([
      { id: '2', more: 'no', msg: 'z' },
      { id: '1', more: 'yes', msg: 'ab' },
    ]);
  });

  it('raw endswith joins with newlines and adds the final one', () => {
    const p = planSource({}, [{ name: 'bs', type: 'endswith', match_string: '\\', negate: 'on' }]);
    expect(feed(['bs'], ['a \\', 'b'], p).out.map((e) => e.record['log'])).toEqual(['a \\\nb\n']);
  });
});

describe('groups', () => {
  it('at most five group values per parser and stream; a sixth is not accepted', () => {
    const lines = ['a', 'b', 'c', 'd', 'e', 'f'].map((g) => `{"log":"${g}","stream":"${g}","time":"2021-02-01T16:45:03.0Z"}`);
    const { out, pending } = feed(['docker'], lines);
    expect(out.map((e) => e.record['log'])).toEqual(['a', 'b', 'c', 'd', 'e', lines[5]]);
    expect(pending).toBe(false);
  });
});

describe('flush timeout', () => {
  it('flushIntervalMs is the longest flush_timeout, at least 500 ms', () => {
    const p = planSource({}, [
      { name: 'fast', type: 'endswith', match_string: '.', flush_timeout: '100' },
      { name: 'slow', type: 'endswith', match_string: '!', flush_timeout: '7000' },
    ]);
    expect(createMultiline(['fast'], p).flushIntervalMs).toBe(MIN_FLUSH_INTERVAL_MS);
    expect(createMultiline(['fast', 'slow', 'cri'], p).flushIntervalMs).toBe(7000);
    expect(createMultiline(['go']).flushIntervalMs).toBe(4000);
  });

  it('a group is flushed once its flush_timeout has passed since its last line', () => {
    const ml = createMultiline(['cri']);
    const s = ml.stream('f');
    const out: LogEvent[] = [];
    const t0 = 1_700_000_000_000;
    s.push('2019-05-07T18:57:50.1Z stdout P a', BigInt(t0) * MS, out);
    s.push('2019-05-07T18:57:50.1Z stderr P x', BigInt(t0 + 3000) * MS, out);
    s.push('2019-05-07T18:57:50.2Z stdout P b', BigInt(t0 + 3000) * MS, out);
    s.flushExpired(t0 + 6999, out);
    expect(out).toEqual([]);
    s.flushExpired(t0 + 7000, out);
    expect(out.map((e) => e.record['log'])).toEqual(['ab', 'x']);
    expect(s.pending).toBe(false);
  });
});

describe('buffer limit', () => {
  it('a message reaching the limit is cut, flushed and counted; the next fragments start afresh', () => {
    const ml = createMultiline(['cri'], undefined, { bufferLimit: 10 });
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    for (const l of ['2019-05-07T18:57:50.1Z stdout P 123456', '2019-05-07T18:57:50.1Z stdout P 7890abc', '2019-05-07T18:57:50.1Z stdout F def']) s.push(l, NOW, out);
    expect(out.map((e) => e.record['log'])).toEqual(['1234567890', 'def']);
    expect(ml.stats).toEqual({ truncated: 1, truncatedBytes: 3 });
  });

  it('cuts between code points and counts bytes', () => {
    const ml = createMultiline(['python'], undefined, { bufferLimit: 5 });
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    s.push('éééé', NOW, out);
    expect(out.map((e) => e.record['log'])).toEqual(['éé\n']);
    expect(ml.stats).toEqual({ truncated: 1, truncatedBytes: 4 });
  });

  it('0 disables it', () => {
    const ml = createMultiline(['python'], undefined, { bufferLimit: 0 });
    const out: LogEvent[] = [];
    ml.stream(1).push('x'.repeat(5_000_000), NOW, out);
    expect((out[0]!.record['log'] as string).length).toBe(5_000_001);
  });
});

describe('setup', () => {
  it('unknown names and undefined parsers are setup errors', () => {
    expect(() => createMultiline(['nope'])).toThrow(MultilineSetupError);
    expect(() => createMultiline([])).toThrow(MultilineSetupError);
    const p = planSource({}, [{ name: 'x', type: 'regex', parser: 'missing', rule: ['"start_state" "/a/" "s"', '"s" "/b/" "s"'] }]);
    expect(() => createMultiline(['x'], p)).toThrow(/undefined parser 'missing'/);
  });

  it('takes the raw multiline.parser value and is case-insensitive', () => {
    const ml = createMultiline(' Docker , CRI ');
    const out: LogEvent[] = [];
    ml.stream(1).push('2019-05-07T18:57:50.1Z stdout F x', NOW, out);
    expect(out[0]!.record['log']).toBe('x');
  });

  it('streams are independent', () => {
    const ml = createMultiline(['cri']);
    const out: LogEvent[] = [];
    ml.stream('a').push('2019-05-07T18:57:50.1Z stdout P a', NOW, out);
    ml.stream('b').push('2019-05-07T18:57:50.1Z stdout F b', NOW, out);
    expect(out.map((e) => e.record['log'])).toEqual(['b']);
    expect(ml.stream('a').pending).toBe(true);
    expect([...ml.streams()].map((s) => s.id)).toEqual(['a', 'b']);
  });
});

describe('message times (the group time Fluent Bit registers, kept across flushes)', () => {
  const SEC = 1_000_000_000n;
  const java = (records: [string, bigint][]) => {
    const ml = createMultiline(['java'], undefined, { keyContent: 'log' });
    const s = ml.stream('app');
    const out: LogEvent[] = [];
    for (const [log, time] of records) s.pushRecord({ log }, time, out);
    s.flush(out);
    return out.map((e) => [e.record['log'], e.time - NOW]);
  };

  it('a java trace that begins with continuation lines goes out at the time of the record passed as-is before it', () => {
    const out = java([
      ['Exception in thread "main" java.lang.IllegalStateException: first', NOW],
      ['    at a.B.c(B.java:1)', NOW + SEC / 10n],
      ['plain record', NOW + 5n * SEC],
      // no colon: not a java start, passed as it is (its time is registered)
      ['java.lang.NullPointerException', NOW + 9n * SEC],
      // the rule state left by the first trace takes these: a message with no record of its own
      ['    at d.E.f(E.java:2)', NOW + 10n * SEC],
      ['    at g.H.i(H.java:3)', NOW + 11n * SEC],
    ]);
    expect(out).toEqual([
      ['Exception in thread "main" java.lang.IllegalStateException: first\n    at a.B.c(B.java:1)', 0n],
      ['plain record', 5n * SEC],
      ['java.lang.NullPointerException', 9n * SEC],
      ['    at d.E.f(E.java:2)\n    at g.H.i(H.java:3)', 9n * SEC],
    ]);
  });

  it('a trace split by a flush: its continuation keeps the start line time', () => {
    const ml = createMultiline(['java'], undefined, { keyContent: 'log' });
    const s = ml.stream('app');
    const out: LogEvent[] = [];
    s.pushRecord({ log: 'java.lang.IllegalStateException: first' }, NOW + SEC, out);
    s.pushRecord({ log: '    at a.B.c(B.java:1)' }, NOW + 2n * SEC, out);
    s.flush(out); // the flush timer
    s.pushRecord({ log: '    at d.E.f(E.java:2)' }, NOW + 5n * SEC, out);
    s.flush(out);
    expect(out.map((e) => [e.record['log'], e.time - NOW])).toEqual([
      ['java.lang.IllegalStateException: first\n    at a.B.c(B.java:1)', SEC],
      ['    at d.E.f(E.java:2)', SEC],
    ]);
  });

  it('lines no parser takes register their time too (tail path)', () => {
    const plan = planSource({}, [{ name: 'r', type: 'regex', rule: ['"start_state" "/^start/" "cont"', '"cont" "/^ +/" "cont"'] }]);
    const ml = createMultiline(['r'], plan);
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    s.push('start', NOW, out);
    s.push('lone', NOW + 4n * SEC, out);
    s.push('', NOW + 6n * SEC, out);
    s.push('  continued', NOW + 8n * SEC, out);
    s.flush(out);
    // the empty line emits nothing but still registers its time
    expect(out.map((e) => [e.record['log'], e.time - NOW])).toEqual([
      ['start\n', 0n],
      ['lone\n', 4n * SEC],
      ['  continued\n', 6n * SEC],
    ]);
  });

  it('raw-text endswith messages take their last line time; with a record, the first line time', () => {
    const raw = planSource({}, [{ name: 'bs', type: 'endswith', match_string: '\\', negate: 'on' }]);
    const ml = createMultiline(['bs'], raw);
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    ['a \\', 'b \\', 'c'].forEach((l, i) => s.push(l, NOW + BigInt(i) * SEC, out));
    expect(out.map((e) => [e.record['log'], e.time - NOW])).toEqual([['a \\\nb \\\nc\n', 2n * SEC]]);
    const keyed = createMultiline(['bs'], raw, { keyContent: 'log' });
    const k = keyed.stream(1);
    const rec: LogEvent[] = [];
    ['a \\', 'b \\', 'c'].forEach((log, i) => k.pushRecord({ log }, NOW + BigInt(i) * SEC, rec));
    expect(rec.map((e) => [e.record['log'], e.time - NOW])).toEqual([['a \\b \\c', 0n]]);
  });

  it('a time of 0 stands for none: the record goes out at the current time', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const ml = createMultiline(['java'], undefined, { keyContent: 'log' });
    const s = ml.stream(1);
    const out: LogEvent[] = [];
    s.pushRecord({ log: 'plain' }, 0n, out);
    s.pushRecord({ log: 'java.lang.Error: x' }, 0n, out);
    s.flush(out);
    expect(out.map((e) => e.record['log'])).toEqual(['plain', 'java.lang.Error: x']);
    for (const e of out) expect(e.time).toBeGreaterThanOrEqual(before);
  });
});
