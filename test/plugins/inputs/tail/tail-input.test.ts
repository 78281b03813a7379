import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tailSession, waitFor } from './harness.js';

const t = tailSession();

/** Lets the input take a few turns (watch events, one poll) without expecting anything. */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('tail: where reading starts', () => {
  it('Read_from_Head On reads existing lines, then follows appends (partial lines wait for their newline)', async () => {
    writeFileSync(t.path('a.log'), 'one\ntwo\n');
    const run = await t.tail({ Path: t.path('*.log'), Read_from_Head: 'On' });
    await waitFor(() => run.records().length === 2);
    appendFileSync(t.path('a.log'), 'three\nfou');
    await waitFor(() => run.records().length === 3);
    await settle();
    expect(run.records().length).toBe(3);
    appendFileSync(t.path('a.log'), 'r\n');
    await waitFor(() => run.records().length === 4);
    expect(run.lines()).toEqual(['one', 'two', 'three', 'four']);
  });

  it('Read_from_Head Off starts existing files at their end; files that appear later are read from their head', async () => {
    writeFileSync(t.path('old.log'), 'before start\n');
    const run = await t.tail({ Path: t.path('*.log') });
    appendFileSync(t.path('old.log'), 'after start\n');
    await waitFor(() => run.records().length === 1);
    writeFileSync(t.path('new.log'), 'new 1\nnew 2\n');
    await waitFor(() => run.records().length === 3, 4000, 'the new file');
    expect(run.lines()).toEqual(['after start', 'new 1', 'new 2']);
  });

  it('Read_Newly_Discovered_Files_From_Head Off starts files found later at their end too', async () => {
    const run = await t.tail({ Path: t.path('*.log'), Read_Newly_Discovered_Files_From_Head: 'Off' });
    writeFileSync(t.path('new.log'), 'skipped\n');
    await waitFor(() => run.counter('files_opened') === 1, 4000, 'the new file');
    appendFileSync(t.path('new.log'), 'read\n');
    await waitFor(() => run.records().length === 1);
    expect(run.lines()).toEqual(['read']);
  });
});

describe('tail: records', () => {
  it('Path_Key, Offset_Key, then Key, in that order; offsets are each line start; path stays the original name', async () => {
    writeFileSync(t.path('a.log'), 'first\nsecond line\n');
    const run = await t.tail({ Path: t.path('a.log'), Read_from_Head: 'On', Path_Key: 'file', Offset_Key: 'off', Key: 'message' });
    await waitFor(() => run.records().length === 2);
    const records = run.records();
    expect(records).toEqual([
      { file: t.path('a.log'), off: 0, message: 'first' },
      { file: t.path('a.log'), off: 6, message: 'second line' },
    ]);
    expect(Object.keys(records[0]!)).toEqual(['file', 'off', 'message']);
    expect(run.events()[0]!.tag).toBe('tail.0');
  });

  it('empty lines give empty records unless Skip_Empty_Lines; CRLF loses its \\r', async () => {
    writeFileSync(t.path('a.log'), 'a\r\n\r\n\nb\n');
    writeFileSync(t.path('b.log'), 'a\r\n\r\n\nb\n');
    const keep = await t.tail({ Path: t.path('a.log'), Read_from_Head: 'On' });
    await waitFor(() => keep.records().length === 4);
    expect(keep.lines()).toEqual(['a', '\r', '', 'b']);
    const skip = await t.tail({ Path: t.path('b.log'), Read_from_Head: 'On', Skip_Empty_Lines: 'On' });
    await waitFor(() => skip.records().length === 2);
    await settle();
    expect(skip.lines()).toEqual(['a', 'b']);
  });

  it('several globs, Exclude_Path with fnmatch (* matches /), one file reached twice is read once', async () => {
    mkdirSync(t.path('x'));
    mkdirSync(t.path('y'));
    writeFileSync(t.path('x/app.log'), 'x app\n');
    writeFileSync(t.path('x/skip-me.log'), 'excluded\n');
    writeFileSync(t.path('y/app.txt'), 'y app\n');
    writeFileSync(t.path('y/app.gz'), 'gz excluded\n');
    const run = await t.tail({
      Path: `${t.path('x/*.log')}, ${t.path('y/*')}, ${t.path('x/app.log')}`,
      Exclude_Path: '*skip*, *.gz',
      Read_from_Head: 'On',
      Path_Key: 'p',
    });
    await waitFor(() => run.records().length === 2);
    await settle();
    expect(run.records().map((r) => [r['p'], r['log']])).toEqual([
      [t.path('x/app.log'), 'x app'],
      [t.path('y/app.txt'), 'y app'],
    ]);
  });

  it('Tag with * takes the sanitised path; Tag_Regex fills <name> placeholders', async () => {
    writeFileSync(t.path('web-1_prod_app.log'), 'line\n');
    const star = await t.tail({ Path: t.path('*.log'), Read_from_Head: 'On', Tag: 'kube.*' });
    await waitFor(() => star.records().length === 1);
    expect(star.events()[0]!.tag).toBe(`kube${t.path('web-1_prod_app.log').replace(/\//g, '.')}`);
    const re = await t.tail({
      Path: t.path('*.log'),
      Read_from_Head: 'On',
      Tag: 'k.<namespace>.<pod>',
      Tag_Regex: '(?<pod>[^/_]+)_(?<namespace>[^_]+)_(?<container>[^.]+)\\.log$',
    });
    await waitFor(() => re.records().length === 1);
    expect(re.events()[0]!.tag).toBe('k.prod.web-1');
  });

  it('Parser: parsed fields, then path_key and offset_key, at the parsed time; lines it rejects stay raw (with their \\r)', async () => {
    writeFileSync(
      t.path('parsers.conf'),
      '[PARSER]\n    Name kv\n    Format regex\n    Regex ^(?<time>[^ ]+) (?<level>[A-Z]+) (?<msg>.*)$\n    Time_Key time\n    Time_Format %Y-%m-%dT%H:%M:%S\n',
    );
    writeFileSync(t.path('a.log'), '2024-05-06T07:08:09 INFO started\r\nnot parsable\r\n');
    const run = await t.tail({ Path: t.path('a.log'), Read_from_Head: 'On', Parser: 'kv', Path_Key: 'file' }, { service: `    Parsers_File ${t.path('parsers.conf')}\n` });
    await waitFor(() => run.records().length === 2);
    const [parsed, raw] = run.events();
    expect(parsed!.record).toEqual({ level: 'INFO', msg: 'started', file: t.path('a.log') });
    expect(parsed!.time).toBe(BigInt(Date.UTC(2024, 4, 6, 7, 8, 9)) * 1_000_000n);
    expect(raw!.record).toEqual({ file: t.path('a.log'), log: 'not parsable\r' });
  });
});

describe('tail: long lines', () => {
  it('Skip_Long_Lines On skips lines over Buffer_Max_Size, counts them, warns once, and goes on', async () => {
    const long = 'x'.repeat(5000);
    writeFileSync(t.path('a.log'), `ok 1\n${long}\nok 2\n${long}${long}\nok 3\n`);
    const run = await t.tail({ Path: t.path('a.log'), Read_from_Head: 'On', Buffer_Chunk_Size: '1k', Buffer_Max_Size: '2k', Skip_Long_Lines: 'On' });
    await waitFor(() => run.records().length === 3);
    expect(run.lines()).toEqual(['ok 1', 'ok 2', 'ok 3']);
    expect(run.counter('long_lines_skipped')).toBe(2);
    expect(run.logged('have long lines. Skipping long lines.')).toBe(1);
  });

  it('Skip_Long_Lines Off stops following the file with an error (lines before it are kept)', async () => {
    writeFileSync(t.path('a.log'), `ok 1\n${'x'.repeat(3000)}\nok 2\n`);
    const run = await t.tail({ Path: t.path('a.log'), Read_from_Head: 'On', Buffer_Chunk_Size: '1k', Buffer_Max_Size: '2k' });
    await waitFor(() => run.counter('files_closed') === 1);
    appendFileSync(t.path('a.log'), 'ok 3\n');
    await settle();
    expect(run.lines()).toEqual(['ok 1']);
    expect(run.logged('requires a larger buffer size, lines are too long. Skipping file.')).toBe(1);
  });
});


describe('tail: Mem_Buf_Limit pause and resume', () => {
  it('stops reading while paused, keeps its place, and delivers every line exactly once after resuming', async () => {
    const total = 20_000;
    const body = Array.from({ length: total }, (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(80)}\n`).join('');
    writeFileSync(t.path('big.log'), body);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const run = await t.tail({ Path: t.path('big.log'), Read_from_Head: 'On', Mem_Buf_Limit: '50k' }, { receiver: () => gate });
    await waitFor(() => run.counter('paused') === 1, 5000, 'the pause');
    const ingested = run.counter('records');
    expect(ingested).toBeLessThan(total);
    await settle();
    expect(run.counter('records')).toBe(ingested);
    release();
    await waitFor(() => run.records().length === total, 10_000, 'every line');
    expect(run.counter('paused')).toBeGreaterThan(1);
    const got = run.lines() as string[];
    expect(new Set(got).size).toBe(total);
    expect(got[0]!.startsWith('line 000000')).toBe(true);
    expect(got[total - 1]!.startsWith(`line ${String(total - 1).padStart(6, '0')}`)).toBe(true);
  });
});

describe('tail: read-ahead without Mem_Buf_Limit', () => {
  const READ_AHEAD = 8 * 1024 * 1024;

  it('holds at most about 8 MiB ahead of a stalled output (no pause metric, not overlimit), then delivers every line once, in order', async () => {
    const total = 150_000;
    const body = Array.from({ length: total }, (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(90)}\n`).join('');
    writeFileSync(t.path('big.log'), body);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // Refresh_Interval of an hour: nothing but the engine's resume makes tail read again.
    const run = await t.tail({ Path: t.path('big.log'), Read_from_Head: 'On', Refresh_Interval: '3600' }, { receiver: () => gate });
    let peak = 0;
    const sample = () => {
      const s = run.pipeline.storageStatus().inputs['tail.0']!;
      peak = Math.max(peak, s.memBytes);
      expect(s.overlimit).toBe(false);
    };
    // Reading stops once the read-ahead bound is reached; on a loaded machine that can take longer
    // than one settle, so wait for the pause itself before checking that nothing more arrives.
    await waitFor(() => {
      sample();
      return run.counter('records') > 0 && run.logs.some((l) => l.includes('reading paused'));
    });
    await settle();
    const ingested = run.counter('records');
    expect(ingested).toBeLessThan(total);
    await settle();
    sample();
    expect(run.counter('records')).toBe(ingested);
    release();
    await waitFor(
      () => {
        sample();
        return run.records().length === total;
      },
      20_000,
      'every line',
    );
    // The bound plus what one read block (and the line in progress) adds after it is reached.
    expect(peak).toBeGreaterThanOrEqual(READ_AHEAD);
    expect(peak).toBeLessThan(READ_AHEAD + 2 * 1024 * 1024);
    expect(run.counter('paused')).toBe(0);
    expect(run.logs.some((l) => l.includes('reading paused'))).toBe(true);
    const got = run.lines() as string[];
    expect(got.length).toBe(total);
    expect(got.every((l, i) => l.startsWith(`line ${String(i).padStart(6, '0')}`))).toBe(true);
  }, 30_000);
});

describe('tail: discovery rules', () => {
  it('Ignore_Older skips files not modified for that long; one that changes again is read from where it was', async () => {
    writeFileSync(t.path('old.log'), 'ancient\n');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(t.path('old.log'), hourAgo, hourAgo);
    writeFileSync(t.path('fresh.log'), 'fresh\n');
    const run = await t.tail({ Path: t.path('*.log'), Read_from_Head: 'On', Ignore_Older: '10m' });
    await waitFor(() => run.records().length === 1);
    expect(run.lines()).toEqual(['fresh']);
    appendFileSync(t.path('old.log'), 'revived\n');
    await waitFor(() => run.records().length === 2, 4000, 'the revived file');
    expect(run.lines()).toEqual(['fresh', 'revived']);
  });

  it('reads files fairly: a big backlog does not hold back a small file', async () => {
    const big = Array.from({ length: 60_000 }, (_, i) => `big ${i} ${'y'.repeat(60)}\n`).join('');
    writeFileSync(t.path('a-big.log'), big);
    writeFileSync(t.path('b-small.log'), 'small\n');
    const run = await t.tail({ Path: t.path('*.log'), Read_from_Head: 'On' });
    await waitFor(() => run.records().length === 60_001, 10_000, 'every line');
    const got = run.lines() as string[];
    // One block (1 MiB, ~15,000 lines) of the big file per turn, then the small file's turn.
    expect(got.indexOf('small')).toBeLessThan(20_000);
    expect(got.findIndex((l) => l.startsWith('big 59999 '))).toBe(60_000);
  });
});

describe('tail: Exit_On_Eof', () => {
  it('waits for the first scan: a change in the watched directory while files are still being found does not end the input early', async () => {
    const files = 150;
    for (let f = 0; f < files; f++) writeFileSync(t.path(`f${String(f).padStart(3, '0')}.log`), `file ${f} a\nfile ${f} b\n`);
    // Another program writing in the directory (Node's --perf-basic-prof writes its v8 log into the
    // working directory, a container runtime creates files next to the logs) while tail scans.
    let writes = 0;
    const writer = setInterval(() => writeFileSync(t.path('other.txt'), String(writes++)), 1);
    let done = 0;
    try {
      const run = await t.tail({ Path: t.path('*.log'), Read_from_Head: 'On', Exit_On_Eof: 'On' }, { onDone: () => done++ });
      await waitFor(() => done === 1, 5000, 'done()');
      await run.stop();
      expect(run.records()).toHaveLength(files * 2);
      expect(new Set(run.lines()).size).toBe(files * 2);
    } finally {
      clearInterval(writer);
    }
  });
});
