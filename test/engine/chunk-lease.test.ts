/**
 * A chunk lent to an input's writer (Chunk.lendTo, EncodedEmit.lend): tail writes a block's records
 * straight into the chunk's buffer instead of its own and a copy. The chunk must end up holding
 * exactly what the copy path gives (records, order, counts, bytes), the writer must get its own
 * state back, and a chunk on disk must hold the lent records too.
 */
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chunk, CHUNK_FULL_BYTES } from '../../src/engine/chunk.js';
import { EncodedRecords, RecordWriter, encodeEvent } from '../../src/record/encoded.js';
import { recordsOf } from '../../src/record/batch.js';
import { capture, planFrom } from '../support/pipeline.js';
import { useTempDir } from '../support/temp-dir.js';

/** An encoded record as encodeEvent writes it. */
const recordText = fc.record({ time: fc.bigInt({ min: 0n, max: 2n ** 63n }), text: fc.string({ unit: 'binary', maxLength: 300 }) }).map(({ time, text }) => encodeEvent({ time, record: { log: text } }));

/** One step: records appended by copy (Chunk.append), or written into a lent writer. */
const step = fc.record({ lend: fc.boolean(), records: fc.array(recordText, { maxLength: 40 }) });

function encoded(texts: readonly string[]): EncodedRecords {
  const w = new RecordWriter(64);
  for (const t of texts) w.append(t);
  return w.view();
}

describe('a chunk lent to an input writer', () => {
  it('holds what appends by copy would hold; the writer gets its own buffer back, empty', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const chunk = new Chunk<string, string>(1, 'in', 'tag');
        // The input's writer, reused for every block, as tail's is.
        const writer = new RecordWriter(128);
        const ownCapacity = writer.capacity;
        const model: string[] = [];
        for (const s of steps) {
          if (s.lend) {
            expect(chunk.lendTo(writer)).toBe(true);
            for (const t of s.records) writer.append(t);
            expect(chunk.written).toBe(s.records.length);
            expect(chunk.takeBack()).toBe(s.records.length);
            expect(writer.count).toBe(0);
            expect(writer.byteLength).toBe(0);
            expect(writer.capacity).toBe(ownCapacity);
          } else {
            chunk.append(encoded(s.records));
          }
          model.push(...s.records);
        }
        const held = chunk.load();
        expect(held.count).toBe(model.length);
        expect(chunk.records).toBe(model.length);
        expect(chunk.bytes).toBe(held.byteLength);
        expect(held.bytes.toString()).toBe(model.join(''));
        for (let i = 0; i < model.length; i++) expect(held.json(i)).toBe(encoded([model[i]!]).json(0));
      }),
    );
  });

  it('lends its own buffer (the records are not copied) and refuses while lent, when locked, or to a writer that holds records', () => {
    const chunk = new Chunk<string, string>(1, 'in', 'tag');
    chunk.append(encoded([encodeEvent({ time: 1n, record: { a: 1 } })]));
    const writer = new RecordWriter(64);
    expect(chunk.lendTo(writer)).toBe(true);
    const other = new RecordWriter(64);
    expect(chunk.lendTo(other)).toBe(false);
    expect(() => chunk.append(encoded([encodeEvent({ time: 2n, record: { b: 2 } })]))).toThrow(/lent/);
    writer.append(encodeEvent({ time: 3n, record: { c: 3 } }));
    const written = writer.view().bytes.buffer;
    expect(chunk.takeBack()).toBe(1);
    expect(chunk.load().bytes.buffer).toBe(written);
    expect(chunk.load().events().map((e) => e.record)).toEqual([{ a: 1 }, { c: 3 }]);

    other.append(encodeEvent({ time: 4n, record: { d: 4 } }));
    expect(chunk.lendTo(other)).toBe(false);
    chunk.lock();
    expect(chunk.lendTo(new RecordWriter(64))).toBe(false);
    expect(chunk.takeBack()).toBe(0);
  });
});

describe('tail writing into lent chunks', () => {
  const tmp = useTempDir('logferry-chunk-lease-');
  /** Lines of several chunks (2 MB each): tail's 256 KiB blocks fill some chunks by lending, the rest by copy. */
  const LINES = 40_000;
  const line = (i: number) => `line ${i} ${'x'.repeat(100 + (i % 90))}${i % 7 === 0 ? ' "quoted" \\ é' : ''}`;

  function writeFile(): string {
    const file = join(tmp.path, 'app.log');
    let text = '';
    for (let i = 0; i < LINES; i++) text += `${line(i)}\n`;
    appendFileSync(file, text);
    return file;
  }

  const input = (file: string, storage = '') => `[INPUT]\n    Name tail\n    Tag app\n    Path ${file}\n    Read_from_Head On\n${storage}\n`;

  it('delivers every line once, in order, in chunks no bigger than a full chunk, as the events path does', async () => {
    const file = writeFile();
    const run = async (filter: string) => {
      const chunkBytes: number[] = [];
      const logs: string[] = [];
      const c = capture(planFrom(`[SERVICE]\n    Flush 0.2\n    Grace 2\n\n${input(file)}${filter}[OUTPUT]\n    Name lib\n    Match *\n`), {
        receiver: (_name, batch) => {
          const r = recordsOf(batch);
          chunkBytes.push(r.byteLength);
          for (let i = 0; i < r.count; i++) logs.push((JSON.parse(r.json(i)) as { log: string }).log);
        },
      });
      await c.pipeline.start();
      const deadline = Date.now() + 30_000;
      while (logs.length < LINES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await c.pipeline.stop();
      return { logs, chunkBytes, metrics: c.pipeline.metrics() };
    };
    const lent = await run('');
    expect(lent.logs).toHaveLength(LINES);
    for (let i = 0; i < LINES; i++) if (lent.logs[i] !== line(i)) expect(lent.logs[i]).toBe(line(i));
    // A lent chunk takes a block past CHUNK_MAX_BYTES only within its buffer (else a new chunk is lent): none grew.
    expect(Math.max(...lent.chunkBytes)).toBeLessThanOrEqual(CHUNK_FULL_BYTES);
    expect(lent.metrics.input['tail.0']!.counters['records']).toBe(LINES);
    expect(lent.metrics.output['lib.0']!.counters['proc_records']).toBe(LINES);
    // Through a filter that changes nothing the records take the events' way (no lending): the same lines.
    const filtered = await run('[FILTER]\n    Name grep\n    Match *\n    Exclude absent_key .\n\n');
    expect(filtered.logs).toEqual(lent.logs);
  }, 60_000);

  it('filesystem storage: the lent records are in the chunk files (kept at shutdown, delivered at the next start)', async () => {
    const file = writeFile();
    const storage = join(tmp.path, 'buffer');
    const service = `[SERVICE]\n    Flush 0.2\n    Grace 1\n    storage.path ${storage}\n\n`;
    const first = capture(planFrom(`${service}${input(file, '    storage.type filesystem\n')}[OUTPUT]\n    Name lib\n    Match *\n    Retry_Limit no_limits\n`), {
      retryDelayMs: () => 50,
      receiver: () => {
        throw new Error('sink down');
      },
    });
    await first.pipeline.start();
    const deadline = Date.now() + 30_000;
    while (first.pipeline.metrics().input['tail.0']!.counters['records'] !== LINES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await first.pipeline.stop(0.2);
    expect(first.records()).toEqual([]);
    const dir = join(storage, 'tail.0');
    expect(existsSync(dir) && readdirSync(dir).filter((n) => n.endsWith('.flb')).length).toBeGreaterThan(1);

    // The next start reads the chunk files back (no tail input: only the backlog).
    const second = capture(planFrom(`${service}[INPUT]\n    Name dummy\n    Samples 0\n\n[OUTPUT]\n    Name lib\n    Match app\n`));
    await second.pipeline.start();
    const until = Date.now() + 30_000;
    while (second.records().length < LINES && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await second.pipeline.stop();
    const logs = second.records().map((r) => r['log']);
    expect(logs).toHaveLength(LINES);
    for (let i = 0; i < LINES; i++) if (logs[i] !== line(i)) expect(logs[i]).toBe(line(i));
  }, 60_000);
});
