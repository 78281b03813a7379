import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AheadPool, BlockReader } from '../../../../src/plugins/inputs/tail/block-reader.js';
import { CommitQueue } from '../../../../src/plugins/inputs/tail/commit-queue.js';
import { DockerModeHandler, logValueSpan } from '../../../../src/plugins/inputs/tail/docker-mode.js';
import { RawHandler, rawRecordBuilder, type Batch } from '../../../../src/plugins/inputs/tail/line-handlers.js';
import { createParser } from '../../../../src/parsers/runtime/index.js';
import { parserPlan } from '../../../support/parser-plans.js';
import { compileFnmatch } from '../../../../src/plugins/inputs/tail/fnmatch.js';
import { fileTag } from '../../../../src/plugins/inputs/tail/tag.js';

describe('CommitQueue', () => {
  it('advances only to the end of the newest batch whose earlier batches are all committed', () => {
    const stored: number[] = [];
    const q = new CommitQueue(0, (o) => stored.push(o));
    const a = q.add(10);
    const b = q.add(20);
    const c = q.add(30);
    c();
    expect(stored).toEqual([]);
    b();
    expect(stored).toEqual([]);
    a();
    expect(stored).toEqual([30]);
    expect(q.committed).toBe(30);
    expect(q.outstanding).toBe(0);
    a();
    expect(stored).toEqual([30]);
  });

  it('ignores the callbacks of batches read before a reset (truncation)', () => {
    const stored: number[] = [];
    const q = new CommitQueue(0, (o) => stored.push(o));
    const old = q.add(500);
    q.reset(0);
    const fresh = q.add(20);
    old();
    expect(stored).toEqual([]);
    fresh();
    expect(stored).toEqual([20]);
  });

  it('keeps working over many batches (compaction)', () => {
    const stored: number[] = [];
    const q = new CommitQueue(0, (o) => stored.push(o));
    const cbs = Array.from({ length: 5000 }, (_, i) => q.add(i + 1));
    for (let i = cbs.length - 1; i >= 1; i--) cbs[i]!();
    expect(stored).toEqual([]);
    cbs[0]!();
    expect(stored).toEqual([5000]);
    for (let i = 0; i < 3000; i++) q.add(5001 + i)();
    expect(q.committed).toBe(8000);
  });
});

describe('Exclude_Path fnmatch', () => {
  it('lets * and ? match / (flags 0), with brackets and escapes', () => {
    expect(compileFnmatch('*.gz').test('/var/log/a/b.gz')).toBe(true);
    expect(compileFnmatch('/var/*/x').test('/var/a/b/x')).toBe(true);
    expect(compileFnmatch('/a?b').test('/a/b')).toBe(true);
    expect(compileFnmatch('*[0-9].log').test('/x/app1.log')).toBe(true);
    expect(compileFnmatch('*[!0-9].log').test('/x/app1.log')).toBe(false);
    expect(compileFnmatch('*[[:digit:]].log').test('/x/app1.log')).toBe(true);
    expect(compileFnmatch('\\*.log').test('*.log')).toBe(true);
    expect(compileFnmatch('\\*.log').test('a.log')).toBe(false);
    expect(compileFnmatch('a[b').test('a[b')).toBe(true);
    expect(compileFnmatch('*.log').test('/x/a.log.1')).toBe(false);
  });
});

describe('tail tags', () => {
  it('replaces the first * with the path and sanitises (Fluent Bit tag_compose)', () => {
    expect(fileTag('kube.*', undefined, '/var/log/containers/web-1_prod_app-abc.log')).toEqual({ ok: true, tag: 'kube.var.log.containers.web-1_prod_app-abc.log' });
    expect(fileTag('*', undefined, '/var/log/x.log')).toEqual({ ok: true, tag: 'var.log.x.log' });
    expect(fileTag('a.*.end', undefined, '/x//y/')).toEqual({ ok: true, tag: 'a.x.y.end' });
    expect(fileTag('a.*.*', undefined, '/x')).toEqual({ ok: true, tag: 'a.x' });
    expect(fileTag('static', undefined, '/x')).toEqual({ ok: true, tag: 'static' });
  });

  it('Tag_Regex fills <name> with named captures, _ when missing or empty, and errors without >', () => {
    const re = /(?<pod>[^/_]+)_(?<ns>[^_]+)_(?<c>[^.]*)\.log$/;
    expect(fileTag('k.<ns>.<pod>.<c>.<nope>', re, '/l/web_prod_.log')).toEqual({ ok: true, tag: 'k.prod.web._._' });
    expect(fileTag('k.<ns', re, '/l/web_prod_app.log').ok).toBe(false);
    expect(fileTag('k.<ns>', re, '/l/other.txt').ok).toBe(false);
  });
});

describe('docker mode log value', () => {
  it('finds the raw top-level "log" string of a JSON object line', () => {
    const line = '{"log":"a \\"q\\" \\n","stream":"stdout","time":"t"}';
    const span = logValueSpan(line)!;
    expect(line.slice(span.start, span.end)).toBe('a \\"q\\" \\n');
    const nested = '{"attrs":{"log":"no"},"n":1, "log" : "yes"}';
    const s2 = logValueSpan(nested)!;
    expect(nested.slice(s2.start, s2.end)).toBe('yes');
    expect(logValueSpan('not json')).toBeUndefined();
    expect(logValueSpan('{"log":1}')).toBeUndefined();
    expect(logValueSpan('{"stream":"x"}')).toBeUndefined();
  });
});

describe('BlockReader read-ahead', () => {
  it('reads the next blocks ahead while a file is read in full blocks, and drops them when asked for another position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blocks-'));
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => String.fromCharCode(65 + (i % 26))).join(''));
    writeFileSync(join(dir, 'f'), data);
    const handle = await open(join(dir, 'f'), 'r');
    const pool = new AheadPool(16, 1);
    const r = new BlockReader(handle, pool);
    const shared = Buffer.alloc(16);
    const at = async (pos: number) => {
      const { buf, n } = await r.read(pos, shared);
      return buf.subarray(0, n).toString();
    };
    expect(await at(0)).toBe(data.subarray(0, 16).toString());
    expect(await at(16)).toBe(data.subarray(16, 32).toString());
    expect(await at(5)).toBe(data.subarray(5, 21).toString());
    // Two blocks ahead: each block read in turn, then a position behind the reads in flight.
    expect(await at(21)).toBe(data.subarray(21, 37).toString());
    expect(await at(37)).toBe(data.subarray(37, 53).toString());
    expect(await at(53)).toBe(data.subarray(53, 69).toString());
    expect(await at(40)).toBe(data.subarray(40, 56).toString());
    expect(await at(88)).toBe(data.subarray(88, 100).toString());
    expect(await at(96)).toBe(data.subarray(96).toString());
    // A second reader gets no pair while the first holds it, and still reads correctly.
    const other = new BlockReader(handle, pool);
    expect((await other.read(0, shared)).buf).toBe(shared);
    await r.close();
    await other.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('legacy Docker_Mode_Parser', () => {
  it('holds complete lines too and joins them until a line the first-line parser accepts', () => {
    const batch: Batch = { events: [], time: 1_000_000_000n, onError: (err) => { throw err; } };
    const base = new RawHandler(batch, rawRecordBuilder({ key: 'log', pathKey: undefined, offsetKey: undefined }, '/x'));
    const first = createParser(parserPlan('first', { format: 'regex', regex: '^\\{"log":"(?<date>\\d{4})-' }));
    const h = new DockerModeHandler(batch, base, 4, first);
    const line = (log: string) => `{"log":"${log}","stream":"stdout"}`;
    h.line(line('2024-01-01 start\\n'), 0, false);
    h.line(line('  at frame 1\\n'), 10, false);
    expect(h.safeOffset(20)).toBe(0);
    h.line(line('2024-01-01 next\\n'), 20, false);
    expect(batch.events.map((e) => e.record['log'])).toEqual([line('2024-01-01 start\\n  at frame 1\\n')]);
    expect(h.safeOffset(30)).toBe(20);
    h.flushExpired(1_000 + 3_999, 30);
    expect(batch.events).toHaveLength(1);
    h.flushExpired(1_000 + 4_000, 30);
    expect(batch.events.map((e) => e.record['log'])).toEqual([line('2024-01-01 start\\n  at frame 1\\n'), line('2024-01-01 next\\n')]);
    expect(h.safeOffset(30)).toBe(30);
  });
});
