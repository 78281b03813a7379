import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/record/event.js';
import { nanosFromSeconds } from '../../../src/record/event.js';
import { filterSection, parsersFile, runFilters } from './filter-harness.js';

const PARSERS = `[PARSER]
    Name dummy_test
    Format regex
    Regex ^(?<INT>[^ ]+) (?<FLOAT>[^ ]+) (?<BOOL>[^ ]+) (?<STRING>.+)$

[PARSER]
    Name timestamp
    Format regex
    Regex ^(?<time>.*)$
    Time_Key time
    Time_Format %Y-%m-%dT%H:%M:%S.%L%z

[PARSER]
    Name json
    Format json

`;

const at = (sec: number, record: Record<string, unknown>): LogEvent => ({ time: nanosFromSeconds(sec), record });

async function parse(lines: string[], events: LogEvent[]) {
  const { run } = await runFilters(filterSection('parser', lines), events as unknown as Record<string, unknown>[], { service: parsersFile(PARSERS) });
  return [...run.received.values()].flat().flatMap((b) => b.events);
}

const DATA = { data: '100 0.5 true This is an example', extra: 'Some more data' };
const PARSED = { INT: '100', FLOAT: '0.5', BOOL: 'true', STRING: 'This is an example' };

describe('parser filter', () => {
  it('Reserve_Data: parsed fields first, then the others without Key_Name (filter_parser.c flb_test_filter_parser_reserve_data_off/on)', async () => {
    const [on] = await parse(['Key_Name data', 'Parser dummy_test', 'Reserve_Data On'], [at(1448403340, { ...DATA })]);
    expect(Object.entries(on!.record)).toEqual([...Object.entries(PARSED), ['extra', 'Some more data']]);
    expect(on!.time).toBe(nanosFromSeconds(1448403340));
    const [off] = await parse(['Key_Name data', 'Parser dummy_test'], [at(1448403340, { ...DATA })]);
    expect(off!.record).toEqual(PARSED);
  });

  it('Preserve_Key keeps Key_Name (after the parsed fields, or in its place among the reserved ones)', async () => {
    const [a] = await parse(['Key_Name data', 'Parser dummy_test', 'Preserve_Key On'], [at(1, { ...DATA })]);
    expect(Object.keys(a!.record)).toEqual([...Object.keys(PARSED), 'data']);
    const [b] = await parse(['Key_Name data', 'Parser dummy_test', 'Preserve_Key On', 'Reserve_Data On'], [at(1, { ...DATA })]);
    expect(Object.keys(b!.record)).toEqual([...Object.keys(PARSED), 'data', 'extra']);
  });

  it('record accessor Key_Name: the nested value is parsed and the original field stays (flb_test_filter_parser_record_accessor)', async () => {
    const rec = { log: { data: DATA.data }, extra: 'Some more data' };
    const [e] = await parse(["Key_Name $log['data']", 'Parser dummy_test', 'Reserve_Data On'], [at(1, rec)]);
    expect(e!.record).toEqual({ ...PARSED, log: { data: DATA.data }, extra: 'Some more data' });
  });

  it('a parsed time replaces the event time (flb_test_filter_parser_handle_time_key)', async () => {
    const [e] = await parse(['Key_Name @timestamp', 'Parser timestamp', 'Reserve_Data On'], [
      at(1448403340, { '@timestamp': '2017-11-01T22:25:21.648+00:00', message: 'This is an example' }),
    ]);
    expect(e!.time).toBe(nanosFromSeconds(1509575121, 648_000_000));
    expect(e!.record).toEqual({ message: 'This is an example' });
  });

  it('first parser that succeeds wins; no success, a missing key or a non-string value leaves the record as it is', async () => {
    const events = [at(1, { log: '{"a":1}' }), at(2, { log: 'x y z w' }), at(3, { log: 'nope' }), at(4, { msg: 'x' }), at(5, { log: 12 })];
    const out = await parse(['Key_Name log', 'Parser json', 'Parser dummy_test'], events.map((e) => ({ ...e, record: { ...e.record } })));
    expect(out.map((e) => e.record)).toEqual([{ a: 1 }, { INT: 'x', FLOAT: 'y', BOOL: 'z', STRING: 'w' }, { log: 'nope' }, { msg: 'x' }, { log: 12 }]);
    expect(out.map((e) => e.time)).toEqual(events.map((e) => e.time));
  });
});
