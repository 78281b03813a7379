/**
 * The http input with real HTTP clients on 127.0.0.1: HTTPS from the tls.* keys, keep-alive
 * connections (and net.keepalive Off), a body that cannot be inflated (connection closed, counted,
 * the next request unaffected), requests refused with Fluent Bit's 400 while Mem_Buf_Limit
 * pauses the input (counted), and the form and JSON body rules beyond the golden cases.
 */
import { Agent, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPipeline, type EmbeddedPipeline, type OutputBatch } from '../../../../src/index.js';
import { formRecord, jsonRecords } from '../../../../src/plugins/inputs/http/http-body.js';
import { HTTP_DROPS } from '../../../../src/plugins/inputs/http/http-input.js';
import { freePort } from '../../../support/free-port.js';

const CERT = new URL('../../../../fixtures/tls/localhost.crt', import.meta.url).pathname;
const KEY = new URL('../../../../fixtures/tls/localhost.key', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function pipeline(port: number, extra: readonly string[]): { p: EmbeddedPipeline; seen: OutputBatch[] } {
  const keys = ['Name http', 'Listen 127.0.0.1', `Port ${port}`, 'Tag in', ...extra].map((l) => `    ${l}\n`).join('');
  const p = createPipeline(`[SERVICE]\n    Flush 0.05\n[INPUT]\n${keys}[OUTPUT]\n    Name lib\n    Match *\n`, { log: () => {} });
  const seen: OutputBatch[] = [];
  p.on('records', (b) => {
    seen.push(b);
  });
  return { p, seen };
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly connection: string | undefined;
  readonly socketPort: number | undefined;
}

function post(port: number, path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, agent?: Agent): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent: agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection, socketPort: res.socket?.localPort }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message, connection: undefined, socketPort: undefined }));
    req.end(body);
  });
}

const recordsOf = (seen: readonly OutputBatch[]) => seen.flatMap((b) => b.events.map((e) => ({ tag: b.tag, record: e.record })));

describe('http input', () => {
  it('accepts HTTPS with the tls.* keys', async () => {
    const port = await freePort();
    const { p, seen } = pipeline(port, ['tls On', 'tls.verify Off', `tls.crt_file ${CERT}`, `tls.key_file ${KEY}`]);
    await p.start();
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, method: 'POST', path: '/secure', ca: readFileSync(CERT), servername: 'localhost', headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end('{"over":"tls"}');
      });
      expect(status).toBe(201);
      await until('the record', () => seen.length > 0);
    } finally {
      await p.stop({ grace: 2 });
    }
    expect(recordsOf(seen)).toEqual([{ tag: 'secure', record: { over: 'tls' } }]);
  });

  it('keeps a connection for several requests; net.keepalive Off closes it after each answer', async () => {
    const [on, off] = [await freePort(), await freePort()];
    const a = pipeline(on, []);
    const b = pipeline(off, ['net.keepalive Off']);
    await Promise.all([a.p.start(), b.p.start()]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await post(on, '/', '{"n":1}', undefined, agent);
      const second = await post(on, '/', '{"n":2}', undefined, agent);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.socketPort).toBe(first.socketPort);
      const closing = await post(off, '/', '{"n":3}', undefined, agent);
      expect([closing.status, closing.connection]).toEqual([201, 'close']);
    } finally {
      agent.destroy();
      await Promise.all([a.p.stop({ grace: 2 }), b.p.stop({ grace: 2 })]);
    }
    expect(recordsOf([...a.seen, ...b.seen]).map((r) => r.record['n'])).toEqual([1, 2, 3]);
  });

  it('a gzip body that does not inflate closes the connection without an answer (as Fluent Bit), zstd is answered 400, both counted; the next request is served', async () => {
    const port = await freePort();
    const { p, seen } = pipeline(port, []);
    await p.start();
    try {
      const broken = await post(port, '/', Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(broken.status).toBe(0);
      const zstd = await post(port, '/', Buffer.from('x'), { 'content-type': 'application/json', 'content-encoding': 'zstd' });
      expect(zstd).toMatchObject({ status: 400, body: "error: Content-Encoding 'zstd' is not supported (gzip, zlib, deflate)\n" });
      expect((await post(port, '/', '{"after":"broken"}')).status).toBe(201);
      await until('the record', () => seen.length > 0);
    } finally {
      await p.stop({ grace: 2 });
    }
    expect(recordsOf(seen)).toEqual([{ tag: 'in', record: { after: 'broken' } }]);
    expect(p.metrics().input['http.0']?.counters['bad_requests']).toBe(2);
  });

  it('while Mem_Buf_Limit pauses it, answers 400 "unable to process records" and counts the records refused; accepts again once resumed', async () => {
    const port = await freePort();
    const { p } = pipeline(port, ['Mem_Buf_Limit 2k']);
    await p.start();
    const batches = p.records()[Symbol.asyncIterator]();
    const big = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ i, pad: 'x'.repeat(60) })));
    const taken: unknown[] = [];
    try {
      expect((await post(port, '/', big)).status).toBe(201);
      await until('the input to pause', () => (p.metrics().input['http.0']?.counters['paused'] ?? 0) > 0);
      const refused = await post(port, '/', '[{"refused":1},{"refused":2}]');
      expect(refused).toMatchObject({ status: 400, body: 'error: unable to process records\n' });
      while (taken.length < 40) {
        const next = await batches.next();
        if (next.done) break;
        taken.push(...next.value.events.map((e) => e.record['i']));
      }
      // Once its records are taken the engine resumes the input: requests are accepted again.
      let after = await post(port, '/', '{"after":"resume"}');
      for (let i = 0; after.status !== 201 && i < 100; i++) {
        await sleep(100);
        after = await post(port, '/', '{"after":"resume"}');
      }
      expect(after.status).toBe(201);
    } finally {
      await batches.return?.();
      await p.stop({ grace: 2 });
    }
    expect(taken).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(p.metrics().input['http.0']?.dropped[HTTP_DROPS.paused]).toBeGreaterThanOrEqual(2);
  });
});

describe('http bodies', () => {
  it('form fields: percent escapes of UTF-8 join, + is a space, a broken escape keeps the raw value, names are not decoded', () => {
    const form = formRecord(Buffer.from('name=%C3%A9t%C3%A9&sp=a+b&bad=50%&k%20ey=v&\nnl=1'));
    expect(form.records).toEqual([{ name: 'été', sp: 'a b', bad: '50%', 'k%20ey': 'v', nl: '1' }]);
    expect(form.invalid).toEqual(['bad']);
    expect(formRecord(Buffer.from('novalue&=x')).error?.answer).toBe('error: unable to process records\n');
  });

  it('JSON: objects and the first array are records; a value that is not JSON fails the whole body', () => {
    expect(jsonRecords(Buffer.from('{"a":1}\n[{"b":2},{"c":3}]')).records).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(jsonRecords(Buffer.from('{"a":1} nope')).records).toEqual([]);
    expect(jsonRecords(Buffer.from('{"a":1} "s" {"b":2}'))).toMatchObject({ records: [{ a: 1 }], error: { reason: 'a top-level JSON string is not an object or an array' } });
  });
});
