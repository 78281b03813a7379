/**
 * Interoperability with a real Fluent Bit (built from source beside the project, not committed):
 * Fluent Bit's forward output into logferry's forward input, and logferry's forward output into
 * Fluent Bit's forward input, with and without shared_key, acks and gzip. Every record must come
 * through identical: tag, time to the nanosecond, body.
 *
 * Runs only with LOGFERRY_FLUENT_BIT=/path/to/fluent-bit (e.g. /work/fb-src/build/bin/fluent-bit,
 * release 4.2.8); skipped otherwise, so CI needs no Fluent Bit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capture, planFrom } from '../support/pipeline.js';
import { ForwardServer, type ReceivedEntry } from '../plugins/forward/wire.js';

const FLUENT_BIT = process.env['LOGFERRY_FLUENT_BIT'];

/** The records both sides generate: two tags, fixed times, bodies with every JSON type. */
const SOURCES = [
  { tag: 'app.web', sec: 1_700_000_000, nsec: 123_456_789, body: { message: 'héllo "quoted" \\ slash', n: 42, f: 2.5, neg: -7, ok: true, nil: null, nested: { list: [1, 'two', { three: 3 }] } } },
  { tag: 'app.db', sec: 1_700_000_123, nsec: 1, body: { message: 'second source', big: 9007199254740991, empty: {}, arr: [] } },
] as const;
const SAMPLES = 3;

const expected = SOURCES.flatMap((s) => Array.from({ length: SAMPLES }, () => ({ tag: s.tag, sec: s.sec, nsec: s.nsec, body: s.body })));
const sorted = <T extends { tag: string }>(list: T[]): T[] => [...list].sort((a, b) => a.tag.localeCompare(b.tag));

const VARIANTS: readonly { name: string; fluentBit: string; logferryIn: string; logferryOut: string; fluentBitIn: string }[] = [
  { name: 'plain', fluentBit: '', logferryIn: '', logferryOut: '', fluentBitIn: '' },
  {
    name: 'shared_key',
    fluentBit: '    Shared_Key interop-secret\n    Self_Hostname fluent-bit-side\n',
    logferryIn: '    Shared_Key interop-secret\n    Self_Hostname logferry-side\n',
    logferryOut: '    Shared_Key interop-secret\n    Self_Hostname logferry-side\n',
    fluentBitIn: '    Shared_Key interop-secret\n    Self_Hostname fluent-bit-side\n',
  },
  { name: 'acks', fluentBit: '    Require_ack_response on\n', logferryIn: '', logferryOut: '    Require_ack_response on\n', fluentBitIn: '' },
  { name: 'gzip', fluentBit: '    Compress gzip\n', logferryIn: '', logferryOut: '    Compress gzip\n', fluentBitIn: '' },
  {
    name: 'shared_key + acks + gzip',
    fluentBit: '    Shared_Key k\n    Require_ack_response on\n    Compress gzip\n',
    logferryIn: '    Shared_Key k\n',
    logferryOut: '    Shared_Key k\n    Require_ack_response on\n    Compress gzip\n',
    fluentBitIn: '    Shared_Key k\n',
  },
];

let dir: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logferry-fb-interop-'));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const until = async (ok: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

function fluentBit(name: string, conf: string): { log: () => string } {
  const path = join(dir, `${name.replace(/\W+/g, '-')}.conf`);
  writeFileSync(path, conf);
  const child = spawn(FLUENT_BIT!, ['-c', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  return { log: () => log };
}

/** dummy inputs generating SOURCES; Fluent Bit's dummy adds the time elapsed to Start_time unless Fixed_Timestamp is on. */
const dummies = (fixed = '') =>
  SOURCES.map(
    (s) => `[INPUT]\n    Name dummy\n${fixed}    Tag ${s.tag}\n    Dummy ${JSON.stringify(s.body)}\n    Samples ${SAMPLES}\n    Rate 20\n    Start_time_sec ${s.sec}\n    Start_time_nsec ${s.nsec}\n`,
  ).join('\n');

describe.skipIf(!FLUENT_BIT)('forward interoperability with Fluent Bit (LOGFERRY_FLUENT_BIT)', () => {
  for (const v of VARIANTS) {
    it(`Fluent Bit's forward output into logferry's forward input (${v.name})`, async () => {
      const port = await freePort();
      const run = capture(planFrom(`[SERVICE]\n    Flush 0.2\n    Log_Level warn\n\n[INPUT]\n    Name forward\n    Listen 127.0.0.1\n    Port ${port}\n${v.logferryIn}\n[OUTPUT]\n    Name lib\n    Match *\n`));
      await run.pipeline.start();
      try {
        const fb = fluentBit(`fb-out-${v.name}`, `[SERVICE]\n    Flush 0.2\n    Grace 1\n    Log_Level info\n\n${dummies('    Fixed_Timestamp on\n')}\n[OUTPUT]\n    Name forward\n    Match *\n    Host 127.0.0.1\n    Port ${port}\n${v.fluentBit}`);
        const received = () => [...run.received.values()].flat().flatMap((b) => b.events.map((e) => ({ tag: b.tag, sec: Number(e.time / 1_000_000_000n), nsec: Number(e.time % 1_000_000_000n), body: e.record })));
        await until(() => received().length >= expected.length, `${expected.length} records; Fluent Bit said:\n${fb.log()}`);
        expect(sorted(received())).toEqual(sorted(expected));
      } finally {
        await run.pipeline.stop();
      }
    });

    it(`logferry's forward output into Fluent Bit's forward input (${v.name})`, async () => {
      const fbPort = await freePort();
      // Fluent Bit relays what its forward input accepted to a forward server in this test: its
      // out_forward sends records as msgpack, exactly as in_forward decoded them.
      const sink = await ForwardServer.start();
      const fb = fluentBit(
        `fb-in-${v.name}`,
        `[SERVICE]\n    Flush 0.2\n    Grace 1\n    Log_Level info\n\n[INPUT]\n    Name forward\n    Listen 127.0.0.1\n    Port ${fbPort}\n${v.fluentBitIn}\n[OUTPUT]\n    Name forward\n    Match *\n    Host 127.0.0.1\n    Port ${sink.port}\n`,
      );
      try {
        await until(() => accepts(fbPort), `Fluent Bit listening on ${fbPort}:\n${fb.log()}`);
        const run = capture(
          planFrom(`[SERVICE]\n    Flush 0.2\n    Log_Level warn\n\n${dummies()}\n[OUTPUT]\n    Name forward\n    Match *\n    Host 127.0.0.1\n    Port ${fbPort}\n${v.logferryOut}`),
        );
        await run.pipeline.start();
        try {
          const received = () =>
            sink.entries.map((e: ReceivedEntry) => ({ tag: e.tag, sec: (e.time as { sec: number }).sec, nsec: (e.time as { nsec: number }).nsec, body: e.record }));
          await until(() => received().length >= expected.length, `${expected.length} records; Fluent Bit said:\n${fb.log()}\nlogferry said:\n${run.logs.join('')}`);
          expect(sorted(received())).toEqual(sorted(expected));
        } finally {
          await run.pipeline.stop();
        }
      } finally {
        await sink.close();
      }
    });
  }

  it('a shared_key that differs: nothing gets through, in either direction, and each side says why', async () => {
    const port = await freePort();
    const run = capture(planFrom(`[SERVICE]\n    Flush 0.2\n    Log_Level info\n\n[INPUT]\n    Name forward\n    Listen 127.0.0.1\n    Port ${port}\n    Shared_Key ours\n\n[OUTPUT]\n    Name lib\n    Match *\n`));
    await run.pipeline.start();
    try {
      fluentBit('fb-out-wrong-key', `[SERVICE]\n    Flush 0.2\n    Grace 1\n\n${dummies('    Fixed_Timestamp on\n')}\n[OUTPUT]\n    Name forward\n    Match *\n    Host 127.0.0.1\n    Port ${port}\n    Shared_Key theirs\n`);
      await until(() => run.logs.join('').includes('shared_key mismatch'), 'the input to refuse the handshake');
      expect(run.records()).toEqual([]);
    } finally {
      await run.pipeline.stop();
    }

    const fbPort = await freePort();
    const fb = fluentBit('fb-in-wrong-key', `[SERVICE]\n    Flush 0.2\n\n[INPUT]\n    Name forward\n    Listen 127.0.0.1\n    Port ${fbPort}\n    Shared_Key theirs\n\n[OUTPUT]\n    Name stdout\n    Match *\n`);
    await until(() => accepts(fbPort), 'Fluent Bit listening');
    const out = capture(planFrom(`[SERVICE]\n    Flush 0.2\n    Log_Level warn\n\n${dummies()}\n[OUTPUT]\n    Name forward\n    Match *\n    Host 127.0.0.1\n    Port ${fbPort}\n    Shared_Key ours\n    Retry_Limit no_retries\n`));
    await out.pipeline.start();
    try {
      await until(() => out.logs.join('').includes('handshake failed'), 'the output to report the refused handshake');
      await until(() => fb.log().includes('shared_key mismatch'), 'Fluent Bit to report the mismatch');
      expect(fb.log()).not.toContain('app.web');
    } finally {
      await out.pipeline.stop();
    }
  });
});
