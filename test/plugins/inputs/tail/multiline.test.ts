import { appendFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tailSession, waitFor } from './harness.js';

const t = tailSession({ Read_from_Head: 'On' });

const CRI = [
  '2024-01-01T00:00:00.000000001Z stdout P part one, ',
  '2024-01-01T00:00:00.000000002Z stderr F error line',
  '2024-01-01T00:00:00.000000003Z stdout P part two, ',
  '2024-01-01T00:00:00.000000004Z stdout F end',
  '2024-01-01T00:00:01.000000000Z stdout F single',
];

describe('tail: multiline.parser', () => {
  it('cri: joins P fragments per stream up to their F line; path_key and offset_key come after', async () => {
    writeFileSync(t.path('c.log'), CRI.map((l) => `${l}\n`).join(''));
    const run = await t.tail({ Path: t.path('c.log'), 'multiline.parser': 'cri', Path_Key: 'file', Offset_Key: 'off' });
    await waitFor(() => run.records().length === 3);
    const [err, joined, single] = run.events();
    expect(err!.record).toEqual({ time: '2024-01-01T00:00:00.000000002Z', stream: 'stderr', _p: 'F', log: 'error line', file: t.path('c.log'), off: CRI[0]!.length + 1 });
    expect(joined!.record['log']).toBe('part one, part two, end');
    expect(joined!.record['stream']).toBe('stdout');
    expect(joined!.time).toBe(1704067200000000001n);
    expect(single!.record['log']).toBe('single');
  });

  it('docker: joins JSON lines split by the docker driver, per stream', async () => {
    const lines = [
      '{"log":"aa\\n","stream":"stdout","time":"2024-01-01T00:00:00.000Z"}',
      '{"log":"bb","stream":"stdout","time":"2024-01-01T00:00:01.000Z"}',
      '{"log":"x\\n","stream":"stderr","time":"2024-01-01T00:00:01.500Z"}',
      '{"log":"cc\\n","stream":"stdout","time":"2024-01-01T00:00:02.000Z"}',
    ];
    writeFileSync(t.path('d.log'), lines.map((l) => `${l}\n`).join(''));
    const run = await t.tail({ Path: t.path('d.log'), 'multiline.parser': 'docker' });
    await waitFor(() => run.records().length === 3);
    expect(run.lines()).toEqual(['aa\n', 'x\n', 'bbcc\n']);
    expect(run.records()[2]).toEqual({ log: 'bbcc\n', stream: 'stdout', time: '2024-01-01T00:00:01.000Z' });
  });

  it('a message with no end is flushed by the timer (the parser flush_timeout, here 500 ms)', async () => {
    writeFileSync(
      t.path('parsers.conf'),
      '[MULTILINE_PARSER]\n    name quick\n    type regex\n    flush_timeout 500\n    rule "start_state" "/^start/" "cont"\n    rule "cont" "/^ /" "cont"\n',
    );
    writeFileSync(t.path('a.log'), 'start one\n  more\nstart two\n  and more\n');
    const run = await t.tail({ Path: t.path('a.log'), 'multiline.parser': 'quick' }, { service: `    Parsers_File ${t.path('parsers.conf')}\n` });
    await waitFor(() => run.records().length === 1);
    expect(run.lines()).toEqual(['start one\n  more\n']);
    await waitFor(() => run.records().length === 2, 3000, 'the timed flush');
    expect(run.lines()[1]).toBe('start two\n  and more\n');
  });

  it('Exit_On_Eof: once every file is read to its end, what multiline holds is emitted and the input asks to stop', async () => {
    writeFileSync(t.path('a.log'), CRI.slice(0, 3).map((l) => `${l}\n`).join(''));
    writeFileSync(t.path('b.log'), 'plain\n'.repeat(3));
    let done = 0;
    const run = await t.tail({ Path: t.path('*.log'), 'multiline.parser': 'cri', Exit_On_Eof: 'On' }, { onDone: () => done++ });
    await waitFor(() => done === 1, 5000, 'done()');
    await run.stop();
    const logs = run.lines() as string[];
    expect(logs.filter((l) => l === 'plain')).toHaveLength(3);
    expect(logs).toContain('part one, part two, ');
    expect(logs).toContain('error line');
  });

  it('legacy Docker_Mode: joins the log values of split lines into the last JSON line, parsed by Parser if set', async () => {
    writeFileSync(
      t.path('parsers.conf'),
      '[PARSER]\n    Name dockerjson\n    Format json\n    Time_Key time\n    Time_Format %Y-%m-%dT%H:%M:%S.%L\n    Time_Keep On\n',
    );
    const lines = ['{"log":"first ","stream":"stdout","time":"2024-01-01T00:00:00.000Z"}', '{"log":"second\\n","stream":"stdout","time":"2024-01-01T00:00:01.000Z"}', 'not json', '{"log":"whole\\n","stream":"stderr","time":"2024-01-01T00:00:02.000Z"}'];
    writeFileSync(t.path('d.log'), lines.map((l) => `${l}\n`).join(''));
    const raw = await t.tail({ Path: t.path('d.log'), Docker_Mode: 'On' });
    await waitFor(() => raw.records().length === 3);
    expect(raw.lines()).toEqual(['{"log":"first second\\n","stream":"stdout","time":"2024-01-01T00:00:01.000Z"}', 'not json', lines[3]]);
    const parsed = await t.tail({ Path: t.path('d.log'), Docker_Mode: 'On', Parser: 'dockerjson' }, { service: `    Parsers_File ${t.path('parsers.conf')}\n` });
    await waitFor(() => parsed.records().length === 3);
    expect(parsed.records()[0]).toEqual({ log: 'first second\n', stream: 'stdout', time: '2024-01-01T00:00:01.000Z' });
    expect(parsed.events()[0]!.time).toBe(1704067201000000000n);
    expect(parsed.records()[1]).toEqual({ log: 'not json' });
  });

  it('appends across reads join correctly and a held fragment is not lost when the input stops', async () => {
    writeFileSync(t.path('c.log'), `${CRI[0]}\n`);
    const run = await t.tail({ Path: t.path('c.log'), 'multiline.parser': 'cri' });
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(t.path('c.log'), `${CRI[2]}\n`);
    await new Promise((r) => setTimeout(r, 100));
    expect(run.records()).toEqual([]);
    await run.stop();
    expect(run.lines()).toEqual(['part one, part two, ']);
  });
});
