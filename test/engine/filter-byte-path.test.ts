/**
 * A filter's byte path (FilterRuntime.bytePath, EncodedEmit.filtersOnBytes): tail with the cri
 * multiline parser writes the parser filter's records (json on `log`) from the file's bytes. The
 * chunks must hold what the events' way gives (the same filter followed by one that has no byte
 * path and changes nothing), byte for byte, with the same counts on the input and the filter.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { criLines } from '../../src/bench/generate.js';
import { ParserFilter } from '../../src/plugins/filters/parser/parser-filter.js';
import { recordsOf } from '../../src/record/batch.js';
import type { LogEvent } from '../../src/record/event.js';
import { capture, planFrom } from '../support/pipeline.js';
import { useTempDir } from '../support/temp-dir.js';

/** Logs the object way must take: not JSON.stringify's form, the parser's time key, not JSON, not an object. */
const ODD_LOGS = [
  '{"a": 1}',
  '{"a":1,"a":2}',
  '{"time":"07/Dec/2026:10:00:00 +0100","a":1}',
  '{"time":"not a time","a":1}',
  '{"stream":"x"}',
  '{"n":1.0,"s":"\\u0041"}',
  'plain text "quoted"',
  '[1,2]',
  ' {"a":1}',
  '{"a":',
  '{"2":"b","1":"a"}',
  '{}',
];

describe('the parser filter (json) on the bytes of tail cri lines', () => {
  const tmp = useTempDir('logferry-filter-bytes-');
  afterEach(() => vi.restoreAllMocks());

  function writeFile(): { file: string; records: number } {
    const lines: string[] = [];
    let i = 0;
    for (const l of criLines(3000, 7, { splitRate: 0.1, maxParts: 3, json: true })) {
      lines.push(l);
      if (++i % 100 === 0) lines.push(`2024-06-01T00:00:00.${String(i).padStart(9, '0')}Z stderr F ${ODD_LOGS[(i / 100) % ODD_LOGS.length]!}`);
    }
    const file = join(tmp.path, 'containers.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return { file, records: lines.filter((l) => / (stdout|stderr) F /.test(l)).length };
  }

  async function run(file: string, records: number, extraFilter: string) {
    const parsers = join(tmp.path, 'parsers.conf');
    writeFileSync(parsers, '[PARSER]\n    Name json\n    Format json\n    Time_Key time\n    Time_Format %d/%b/%Y:%H:%M:%S %z\n');
    const chunks: Buffer[] = [];
    let seen = 0;
    const c = capture(
      planFrom(
        `[SERVICE]\n    Flush 0.2\n    Grace 2\n    Parsers_File ${parsers}\n\n[INPUT]\n    Name tail\n    Tag app\n    Path ${file}\n    Read_from_Head On\n    multiline.parser cri\n    Path_Key file\n\n` +
          `[FILTER]\n    Name parser\n    Match *\n    Key_Name log\n    Parser json\n    Reserve_Data On\n\n${extraFilter}[OUTPUT]\n    Name lib\n    Match *\n`,
      ),
      {
        receiver: (_name, batch) => {
          const r = recordsOf(batch);
          chunks.push(Buffer.from(r.bytes.subarray(0, r.byteLength)));
          seen += r.count;
        },
      },
    );
    // The records the filter gets as objects, counted as it gets them (callers reuse their arrays).
    let objects = 0;
    const filter = ParserFilter.prototype.filter;
    vi.spyOn(ParserFilter.prototype, 'filter').mockImplementation(function (this: ParserFilter, tag: string, events: LogEvent[]) {
      objects += events.length;
      return filter.call(this, tag, events);
    });
    await c.pipeline.start();
    const deadline = Date.now() + 20_000;
    while (seen < records && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await c.pipeline.stop();
    vi.restoreAllMocks();
    return { bytes: Buffer.concat(chunks).toString('latin1'), seen, metrics: c.pipeline.metrics(), objects };
  }

  it('writes the records the events way writes, counted the same, with only the odd ones as objects', async () => {
    const { file, records } = writeFile();
    const bytes = await run(file, records, '');
    // grep without a byte path after the parser: every record takes the events' way and keeps its bytes.
    const objects = await run(file, records, '[FILTER]\n    Name grep\n    Match *\n    Exclude absent_key .\n\n');
    expect(bytes.seen).toBe(records);
    expect(bytes.bytes).toBe(objects.bytes);
    expect(bytes.metrics.filter['parser.0']).toEqual(objects.metrics.filter['parser.0']);
    expect(bytes.metrics.input['tail.0']!.counters).toEqual(objects.metrics.input['tail.0']!.counters);
    expect(objects.objects).toBe(records);
    // Joined messages (P fragments) and the odd logs take the object way; the rest were bytes.
    expect(bytes.objects).toBeGreaterThan(ODD_LOGS.length);
    expect(bytes.objects).toBeLessThan(records / 4);
  }, 60_000);
});

describe('filtered records queued behind an asynchronous filter', () => {
  const tmp = useTempDir('logferry-filter-bytes-async-');

  it('skip the filters they went through: the events way\'s bytes and counters', async () => {
    // The kubernetes filter waits for this server (a slow 404) on one file's tag, so tail's slot is
    // busy while the other file's records, filtered as bytes, are handed over and queued.
    const server = createServer((_req, res) => setTimeout(() => res.writeHead(404).end('{}'), 150));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const dir = join(tmp.path, 'var', 'log', 'containers');
      mkdirSync(dir, { recursive: true });
      const kube = join(dir, 'pod-a_ns_app-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log');
      const app = join(tmp.path, 'app.log');
      const cri = (i: number, log: string) => `2024-06-01T00:00:00.${String(i).padStart(9, '0')}Z stdout F ${log}`;
      // A "log" member makes the record keep a JSON `log`: the filter would parse it again.
      const logs = (n: number) => Array.from({ length: n }, (_, i) => cri(i, i % 3 === 0 ? `{"log":"{\\"inner\\":${i}}","i":${i}}` : `{"i":${i},"m":"x"}`));
      writeFileSync(kube, `${logs(50).join('\n')}\n`);
      writeFileSync(app, `${logs(400).join('\n')}\n`);
      const parsers = join(tmp.path, 'parsers.conf');
      writeFileSync(parsers, '[PARSER]\n    Name json\n    Format json\n');
      writeFileSync(join(tmp.path, 'token'), 't\n');
      const prefix = `kube${dir.replace(/\//g, '.')}.`;
      const run = async (extraFilter: string) => {
        const chunks = new Map<string, string>();
        let seen = 0;
        const c = capture(
          planFrom(
            `[SERVICE]\n    Flush 0.1\n    Grace 2\n    Parsers_File ${parsers}\n\n[INPUT]\n    Name tail\n    Tag kube.*\n    Path ${kube},${app}\n    Read_from_Head On\n    multiline.parser cri\n\n` +
              `[FILTER]\n    Name kubernetes\n    Match kube.*containers*\n    Kube_URL http://127.0.0.1:${(server.address() as AddressInfo).port}\n    Kube_CA_File ${join(tmp.path, 'no-ca.pem')}\n    Kube_Token_File ${join(tmp.path, 'token')}\n    Kube_Tag_Prefix ${prefix}\n    Kube_Meta_Cache_TTL 0\n\n` +
              `[FILTER]\n    Name parser\n    Match *app.log\n    Key_Name log\n    Parser json\n    Reserve_Data On\n\n${extraFilter}[OUTPUT]\n    Name lib\n    Match *\n`,
          ),
          {
            receiver: (_name, batch) => {
              const r = recordsOf(batch);
              chunks.set(batch.tag, (chunks.get(batch.tag) ?? '') + r.bytes.subarray(0, r.byteLength).toString('latin1'));
              seen += r.count;
            },
          },
        );
        await c.pipeline.start();
        const deadline = Date.now() + 20_000;
        while (seen < 450 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await c.pipeline.stop();
        return { chunks, metrics: c.pipeline.metrics() };
      };
      const bytes = await run('');
      const objects = await run('[FILTER]\n    Name grep\n    Match *app.log\n    Exclude absent_key .\n\n');
      const appTag = [...bytes.chunks.keys()].find((t) => t.endsWith('app.log'))!;
      expect(bytes.chunks.get(appTag)!.split('\n').filter(Boolean)).toHaveLength(400);
      expect(bytes.chunks.get(appTag)).toBe(objects.chunks.get(appTag));
      expect(bytes.metrics.filter['parser.0']).toEqual(objects.metrics.filter['parser.0']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
