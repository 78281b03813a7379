/**
 * The forward input against a Fluentd-style client written in the test (msgpack over a socket):
 * every mode, EventTime, acks, the shared_key handshake, gzip, TLS, a Unix socket, backpressure,
 * and bad input (each closes its own connection only, counted and logged).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { validateClassic } from '../../../src/config/validate.js';
import { FluentdClient, arr, bin32, eventTime, p, LOCAL_TLS, str32 } from '../forward/wire.js';
import { startInput, type RunningInput } from '../forward/input-harness.js';

const running: RunningInput[] = [];
const clients: FluentdClient[] = [];
async function input(keys: Record<string, string> = {}): Promise<RunningInput> {
  const i = await startInput(keys);
  running.push(i);
  return i;
}
async function client(i: RunningInput, tls?: { ca: Buffer }): Promise<FluentdClient> {
  const c = await FluentdClient.connect(i.where, tls);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  for (const i of running.splice(0)) await i.input.stop();
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logferry-forward-in-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = (sec: number, nsec: number) => `${sec}.${String(nsec).padStart(9, '0')}`;
const entry = (sec: number, nsec: number, record: unknown) => arr(eventTime(sec, nsec), p(record));

describe('forward input: the modes of the forward protocol', () => {
  it('Message mode: [tag, time, record] with an EventTime or integer seconds; the record takes the sender tag', async () => {
    const i = await input();
    const c = await client(i);
    await c.send(arr(p('app.one'), eventTime(1_700_000_000, 123_456_789), p({ message: 'hello', n: 1 })));
    await c.send(arr(p('app.two'), p(1_700_000_001), p({ message: 'int time' })));
    await i.waitFor(2);
    expect(i.records()).toEqual([
      ['app.one', T(1_700_000_000, 123_456_789), { message: 'hello', n: 1 }],
      ['app.two', T(1_700_000_001, 0), { message: 'int time' }],
    ]);
  });

  it('Forward mode: [tag, [entries]] with [time, record], Fluent Bit v2 [[time, metadata], record] and float times', async () => {
    const i = await input();
    const c = await client(i);
    const v2 = arr(arr(eventTime(1_700_000_002, 5), p({ otel: true })), p({ message: 'v2' }));
    await c.send(arr(p('fwd'), arr(entry(1_700_000_000, 1, { message: 'a' }), v2, arr(p(1_700_000_003.25), p({ message: 'float' })))));
    await i.waitFor(3);
    expect(i.records()).toEqual([
      ['fwd', T(1_700_000_000, 1), { message: 'a' }],
      ['fwd', T(1_700_000_002, 5), { message: 'v2' }],
      ['fwd', T(1_700_000_003, 250_000_000), { message: 'float' }],
    ]);
  });

  it('PackedForward mode: entries back to back in a str or a bin', async () => {
    const i = await input();
    const c = await client(i);
    const entries = Buffer.concat([entry(1, 2, { k: 'first' }), entry(3, 4, { k: 'second' })]);
    await c.send(arr(p('packed.str'), str32(entries)));
    await c.send(arr(p('packed.bin'), bin32(entries), p({ size: 2 })));
    await i.waitFor(4);
    expect(i.records()).toEqual([
      ['packed.str', T(1, 2), { k: 'first' }],
      ['packed.str', T(3, 4), { k: 'second' }],
      ['packed.bin', T(1, 2), { k: 'first' }],
      ['packed.bin', T(3, 4), { k: 'second' }],
    ]);
  });

  it('CompressedPackedForward mode: gzip entries with compressed: gzip (several gzip members, as Fluentd concatenates them)', async () => {
    const i = await input();
    const c = await client(i);
    const gz = Buffer.concat([gzipSync(entry(10, 1, { part: 1 })), gzipSync(entry(10, 2, { part: 2 }))]);
    await c.send(arr(p('gz'), bin32(gz), p({ compressed: 'gzip', size: 2 })));
    await i.waitFor(2);
    expect(i.records()).toEqual([
      ['gz', T(10, 1), { part: 1 }],
      ['gz', T(10, 2), { part: 2 }],
    ]);
  });

  it('msgpack values that are not JSON become JSON values: bin is text, huge integers Numbers, integer keys text; __proto__ stays a key', async () => {
    const i = await input();
    const c = await client(i);
    const record = Buffer.concat([
      Buffer.from([0x84]),
      p('raw'),
      bin32(Buffer.from('bytes')),
      p('big'),
      Buffer.from([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      p(7),
      p('seven'),
      p('__proto__'),
      p({ polluted: true }),
    ]);
    await c.send(arr(p('t'), p(5), record));
    await i.waitFor(1);
    const got = i.records()[0]!;
    expect(JSON.stringify(got)).toBe(JSON.stringify(['t', T(5, 0), JSON.parse('{"raw":"bytes","big":18446744073709552000,"7":"seven","__proto__":{"polluted":true}}')]));
    expect(Object.getPrototypeOf(got[2])).toBe(Object.prototype);
  });
});

describe('forward input: acks', () => {
  for (const [mode, frame] of [
    ['Message', (chunk: string) => arr(p('ack.m'), eventTime(1, 0), p({ m: 1 }), p({ chunk }))],
    ['Forward', (chunk: string) => arr(p('ack.f'), arr(entry(1, 0, { m: 1 })), p({ chunk, size: 1 }))],
    ['PackedForward', (chunk: string) => arr(p('ack.p'), bin32(entry(1, 0, { m: 1 })), p({ chunk }))],
    ['CompressedPackedForward', (chunk: string) => arr(p('ack.c'), bin32(gzipSync(entry(1, 0, { m: 1 }))), p({ chunk, compressed: 'gzip' }))],
  ] as const) {
    it(`${mode} mode: {ack: chunk} comes back once the records are emitted`, async () => {
      const i = await input();
      const c = await client(i);
      await c.send(frame('Y2h1bmstaWQtMDE='));
      const ack = (await c.next()) as Map<string, Buffer>;
      expect(ack.get('ack')?.toString()).toBe('Y2h1bmstaWQtMDE=');
      expect(i.emitted.flatMap((b) => b.events)).toHaveLength(1);
    });
  }
});

describe('forward input: tags', () => {
  it('Tag_Prefix prefixes the sender tag; Tag replaces it; Tag_Prefix wins over Tag', async () => {
    for (const [keys, expected] of [
      [{ tag_prefix: 'fwd.' }, 'fwd.app'],
      [{ tag: 'fixed' }, 'fixed'],
      [{ tag: 'fixed', tag_prefix: 'pre.' }, 'pre.app'],
    ] as const) {
      const i = await input(keys);
      const c = await client(i);
      await c.send(arr(p('app'), p(1), p({ x: 1 })));
      await i.waitFor(1);
      expect(i.emitted[0]!.tag).toBe(expected);
    }
  });
});

describe('forward input: the secure forward handshake', () => {
  it('a client with the shared key gets a PONG proving the server holds it, then sends records', async () => {
    const i = await input({ shared_key: 's3cret', self_hostname: 'logferry-host' });
    const c = await client(i);
    const pong = await c.handshake('s3cret');
    expect([pong[0]!.toString(), pong[1], (pong[3] as Buffer).toString()]).toEqual(['PONG', true, 'logferry-host']);
    await c.send(arr(p('secure'), p(7), p({ ok: true }), p({ chunk: 'abc' })));
    expect(((await c.next()) as Map<string, Buffer>).get('ack')?.toString()).toBe('abc');
    expect(i.records()).toEqual([['secure', T(7, 0), { ok: true }]]);
  });

  it('a wrong shared key: no PONG, the connection is closed, counted, and nothing is emitted', async () => {
    const i = await input({ shared_key: 's3cret' });
    const c = await client(i);
    await expect(c.handshake('wrong')).rejects.toThrow();
    await i.waitForErrors(1);
    expect(i.logs.join('')).toContain('shared_key mismatch');
    expect(i.emitted).toEqual([]);
  });

  it('security.users: the right password is let in, a wrong one gets a refusal PONG', async () => {
    const i = await input({ shared_key: 'k', 'security.users': 'alice pa55' });
    const good = await client(i);
    expect((await good.handshake('k', 'h', { name: 'alice', password: 'pa55' }))[1]).toBe(true);
    const bad = await client(i);
    const pong = await bad.handshake('k', 'h', { name: 'alice', password: 'nope' });
    expect([pong[1], (pong[2] as Buffer).toString()]).toEqual([false, 'username/password mismatch']);
    await bad.closedByServer();
  });

  it('a client that sends records without the handshake is refused', async () => {
    const i = await input({ shared_key: 'k' });
    const c = await client(i);
    await c.next(); // HELO
    await c.send(arr(p('sneaky'), p(1), p({ x: 1 })));
    await c.closedByServer();
    expect(i.emitted).toEqual([]);
    expect(i.counters.get('errors')).toBe(1);
  });
});

describe('forward input: transports', () => {
  it('a Unix socket with Unix_Perm', async () => {
    const path = join(dir, 'fwd.sock');
    const i = await input({ unix_path: path, unix_perm: '0600' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const c = await client(i);
    await c.send(arr(p('unix'), p(1), p({ via: 'unix' })));
    await i.waitFor(1);
    expect(i.records()).toEqual([['unix', T(1, 0), { via: 'unix' }]]);
  });

  it('a file that is not a socket at Unix_Path is refused at start', async () => {
    const path = join(dir, 'not-a-socket');
    writeFileSync(path, 'x');
    chmodSync(path, 0o600);
    await expect(input({ unix_path: path })).rejects.toThrow('exists and it is not a unix socket');
  });

  it('TLS with tls.crt_file and tls.key_file', async () => {
    const { cert, key } = LOCAL_TLS;
    const i = await input({ tls: 'on', 'tls.verify': 'off', 'tls.crt_file': cert, 'tls.key_file': key });
    const c = await client(i, { ca: readFileSync(cert) });
    await c.send(arr(p('tls'), p(2), p({ secure: true })));
    await i.waitFor(1);
    expect(i.records()).toEqual([['tls', T(2, 0), { secure: true }]]);
  });
});

describe('forward input: backpressure', () => {
  it('paused, it reads nothing (the sender waits); resumed, it reads what was sent meanwhile', async () => {
    const i = await input();
    const c = await client(i);
    await c.send(arr(p('bp'), p(1), p({ n: 1 })));
    await i.waitFor(1);
    i.input.pause();
    await c.send(arr(p('bp'), p(2), p({ n: 2 })));
    await new Promise((r) => setTimeout(r, 100));
    expect(i.records()).toHaveLength(1);
    i.input.resume();
    await i.waitFor(2);
    expect(i.records().map((r) => r[2])).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('stopped while paused, it still emits the frames it had already received', async () => {
    const i = await startInput({}, (fwd) => fwd.pause());
    const c = await FluentdClient.connect(i.where);
    await c.send(Buffer.concat([arr(p('st'), p(1), p({ n: 1 })), arr(p('st'), p(2), p({ n: 2 }))]));
    await i.waitFor(1);
    expect(i.records()).toHaveLength(1);
    await i.input.stop();
    expect(i.records().map((r) => r[2])).toEqual([{ n: 1 }, { n: 2 }]);
    c.socket.destroy();
  });

  it('a client that closes while the input is paused: what it sent is still read on resume', async () => {
    const i = await input();
    i.input.pause();
    const c = await client(i);
    await c.send(arr(p('bp'), p(3), p({ n: 3 })));
    c.end();
    await new Promise((r) => setTimeout(r, 50));
    i.input.resume();
    await i.waitFor(1);
    expect(i.counters.get('errors')).toBe(0);
  });
});

describe('forward input: bad input closes that connection only, counted and logged', () => {
  const cases: [string, Buffer, string][] = [
    ['malformed msgpack', Buffer.from([0x93, 0xc1, 0x00, 0x00]), 'malformed msgpack'],
    ['a frame that is not an array', p({ not: 'an array' }), 'expected an array'],
    ['a tag that is not a string', arr(p(12), p(1), p({})), 'invalid tag'],
    ['message mode without a map', arr(p('t'), p(1), p('text')), 'map expected'],
    ['a negative time', arr(p('t'), p(-1), p({})), 'invalid data format'],
    ['zstd entries', arr(p('t'), bin32(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])), p({ compressed: 'zstd' })), 'zstd'],
    ['corrupt gzip', arr(p('t'), bin32(Buffer.from([0x1f, 0x8b, 1, 2, 3])), p({ compressed: 'gzip' })), 'gzip entries'],
    ['metrics (fluent_signal 2)', arr(p('t'), bin32(Buffer.from([0x90])), p({ fluent_signal: 2 })), 'metrics and traces are not supported'],
  ];
  for (const [name, bytes, reason] of cases) {
    it(`${name}: the connection is closed, another client goes on`, async () => {
      const i = await input();
      const bad = await client(i);
      const good = await client(i);
      await bad.send(bytes);
      await bad.closedByServer();
      await good.send(arr(p('good'), p(1), p({ fine: true })));
      await i.waitFor(1);
      expect(i.counters.get('errors')).toBe(1);
      expect(i.logs.join('')).toContain(reason);
      expect(i.records()).toEqual([['good', T(1, 0), { fine: true }]]);
    });
  }

  it('a frame larger than Buffer_Max_Size closes the connection', async () => {
    const i = await input({ buffer_chunk_size: '1k', buffer_max_size: '4k' });
    const c = await client(i);
    await c.send(arr(p('big'), p(1), p({ blob: 'x'.repeat(10_000) })));
    await c.closedByServer();
    expect(i.counters.get('errors')).toBe(1);
    expect(i.logs.join('')).toContain('exceed limit (4000 bytes');
  });

  it('a client that stops mid-frame: counted, the records before it kept', async () => {
    const i = await input();
    const c = await client(i);
    const whole = arr(p('cut'), p(1), p({ n: 1 }));
    const cut = arr(p('cut'), p(2), p({ n: 2, more: 'text' }));
    await c.send(Buffer.concat([whole, cut.subarray(0, cut.length - 4)]));
    c.end();
    await i.waitForErrors(1);
    expect(i.logs.join('')).toContain('in the middle of a frame');
    expect(i.records()).toEqual([['cut', T(1, 0), { n: 1 }]]);
  });

  it('an entry that is not [time, record] is dropped with its reason; the others are emitted', async () => {
    const i = await input();
    const c = await client(i);
    await c.send(arr(p('mixed'), arr(entry(1, 0, { ok: 1 }), arr(p('not a time'), p({})), entry(2, 0, { ok: 2 }))));
    await i.waitFor(2);
    expect(i.counters.droppedFor('forward entry time is not an integer, a float or an EventTime')).toBe(1);
    expect(i.records().map((r) => r[2])).toEqual([{ ok: 1 }, { ok: 2 }]);
  });
});

describe('forward input: properties', () => {
  const jsonRecord = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })), { maxKeys: 4 });
  it('records sent in any mode, cut at any byte boundaries, arrive whole with their times to the nanosecond', async () => {
    const i = await input();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ sec: fc.integer({ min: 0, max: 2 ** 32 - 1 }), nsec: fc.integer({ min: 0, max: 999_999_999 }), record: jsonRecord }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('message', 'forward', 'packed', 'compressed'),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        async (events, mode, cuts) => {
          const entries = events.map((e) => entry(e.sec, e.nsec, e.record));
          const frame =
            mode === 'message'
              ? Buffer.concat(events.map((e) => arr(p('prop'), eventTime(e.sec, e.nsec), p(e.record))))
              : mode === 'forward'
                ? arr(p('prop'), arr(...entries))
                : mode === 'packed'
                  ? arr(p('prop'), bin32(Buffer.concat(entries)))
                  : arr(p('prop'), bin32(gzipSync(Buffer.concat(entries))), p({ compressed: 'gzip' }));
          const c = await client(i);
          let at = 0;
          for (const n of cuts) {
            if (at >= frame.length) break;
            await c.send(frame.subarray(at, at + n));
            at += n;
          }
          await c.send(frame.subarray(at));
          sent += events.length;
          await i.waitFor(sent);
          const got = i.records().slice(sent - events.length);
          expect(got).toEqual(events.map((e) => ['prop', T(e.sec, e.nsec), e.record]));
          c.socket.destroy();
        },
      ),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 40) },
    );
    expect(i.counters.get('errors')).toBe(0);
  });
});

describe('forward input: configuration', () => {
  const diagnostics = (keys: string) =>
    validateClassic(`${process.cwd()}/x.conf`, { text: `[INPUT]\n    Name forward\n${keys}\n[OUTPUT]\n    Name null\n    Match *\n`, env: {} }).diagnostics;
  it('what Fluent Bit refuses is an error: security.users without a shared key, tls without a certificate', () => {
    expect(diagnostics('    security.users bob pw\n').map((d) => [d.severity, d.message])).toContainEqual(['error', "security.users is set but no 'shared_key' or 'empty_shared_key': Fluent Bit refuses to start"]);
    expect(diagnostics('    tls on\n').map((d) => d.severity)).toContain('error');
  });
  it('Port 0 is a warning (Fluent Bit would listen on 24224); Host is declared as not read', () => {
    const d = diagnostics('    Port 0\n    Host example\n');
    expect(d.map((x) => [x.code, x.severity])).toEqual(expect.arrayContaining([['invalid-value', 'warning'], ['unsupported-key', 'warning']]));
  });
});
