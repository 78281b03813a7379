/**
 * The tcp input with real sockets on 127.0.0.1: TLS from the tls.* keys, Mem_Buf_Limit holding
 * the senders back in TCP (nothing lost, nothing read while paused), net.io_timeout closing an
 * idle connection, and a port already taken failing the start with the address named.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createPipeline, type EmbeddedPipeline, type OutputBatch } from '../../../../src/index.js';
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
  const keys = ['Name tcp', 'Listen 127.0.0.1', `Port ${port}`, 'Tag in', ...extra].map((l) => `    ${l}\n`).join('');
  const p = createPipeline(`[SERVICE]\n    Flush 0.05\n[INPUT]\n${keys}[OUTPUT]\n    Name lib\n    Match *\n`, { log: () => {} });
  const seen: OutputBatch[] = [];
  p.on('records', (b) => {
    seen.push(b);
  });
  return { p, seen };
}

const recordsOf = (seen: readonly OutputBatch[]) => seen.flatMap((b) => b.events.map((e) => e.record));

describe('tcp input', () => {
  it('reads JSON over TLS with the tls.* keys; a plain-text client gets nothing in', async () => {
    const port = await freePort();
    const { p, seen } = pipeline(port, ['tls On', 'tls.verify Off', `tls.crt_file ${CERT}`, `tls.key_file ${KEY}`]);
    await p.start();
    try {
      const plain = connect({ host: '127.0.0.1', port });
      plain.on('error', () => {});
      plain.write('{"plain":true}\n');
      const secure = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(CERT), servername: 'localhost' });
      secure.on('error', () => {});
      await new Promise<void>((r) => secure.once('secureConnect', () => r()));
      secure.write('{"secure":1}\n{"secure":2}\n');
      await until('two records', () => recordsOf(seen).length >= 2);
      secure.end();
      plain.destroy();
    } finally {
      await p.stop({ grace: 2 });
    }
    expect(recordsOf(seen)).toEqual([{ secure: 1 }, { secure: 2 }]);
  });

  it('tls.verify: a client certificate, when presented, must verify against tls.ca_file (else the system CAs); a client without one is accepted, as OpenSSL SSL_VERIFY_PEER', async () => {
    const send = async (port: number, withCert: boolean, marker: string): Promise<void> => {
      const client = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(CERT), servername: 'localhost', ...(withCert ? { cert: readFileSync(CERT), key: readFileSync(KEY) } : {}) });
      client.on('error', () => {});
      await new Promise<void>((r) => {
        client.once('secureConnect', () => r());
        client.once('close', () => r());
      });
      if (!client.destroyed) client.write(`{"m":"${marker}"}\n`);
      await sleep(200);
      client.destroy();
    };
    const [trusting, system] = [await freePort(), await freePort()];
    const tlsKeys = ['tls On', `tls.crt_file ${CERT}`, `tls.key_file ${KEY}`];
    const a = pipeline(trusting, [...tlsKeys, `tls.ca_file ${CERT}`]);
    const b = pipeline(system, tlsKeys);
    await Promise.all([a.p.start(), b.p.start()]);
    try {
      await send(trusting, true, 'trusted-cert');
      await send(trusting, false, 'no-cert');
      await send(system, true, 'untrusted-cert');
      await send(system, false, 'no-cert-2');
      await until('three records', () => recordsOf([...a.seen, ...b.seen]).length >= 3);
      await sleep(200);
    } finally {
      await Promise.all([a.p.stop({ grace: 2 }), b.p.stop({ grace: 2 })]);
    }
    expect(recordsOf(a.seen).map((r) => r['m']).sort()).toEqual(['no-cert', 'trusted-cert']);
    expect(recordsOf(b.seen).map((r) => r['m'])).toEqual(['no-cert-2']);
  });

  it('Mem_Buf_Limit: stops reading the sockets while paused (the sender waits in TCP), then delivers every line in order', async () => {
    const port = await freePort();
    const { p } = pipeline(port, ['Format none', 'Mem_Buf_Limit 20k']);
    const lines = 8_000;
    const got: unknown[] = [];
    await p.start();
    const batches = p.records()[Symbol.asyncIterator]();
    let sender: Socket | undefined;
    try {
      sender = connect({ host: '127.0.0.1', port });
      sender.on('error', () => {});
      await new Promise<void>((r) => sender!.once('connect', () => r()));
      for (let i = 0; i < lines; i++) sender.write(`line-${i}-${'x'.repeat(80)}\n`);
      // Nobody takes batches: the input pauses and stops reading.
      const input = () => p.metrics().input['tcp.0']!.counters;
      await until('the input to pause', () => (input()['paused'] ?? 0) > 0);
      // What the kernel holds for the socket stays there: the count read does not move.
      await sleep(300);
      const readWhilePaused = input()['records'] ?? 0;
      await sleep(300);
      expect(input()['records']).toBe(readWhilePaused);
      expect(readWhilePaused).toBeLessThan(lines);
      while (got.length < lines) {
        const next = await batches.next();
        if (next.done) break;
        got.push(...next.value.events.map((e) => e.record['log']));
      }
    } finally {
      sender?.destroy();
      await batches.return?.();
      await p.stop({ grace: 2 });
    }
    expect(got.length).toBe(lines);
    expect(got.every((log, i) => typeof log === 'string' && log.startsWith(`line-${i}-`))).toBe(true);
    expect(p.metrics().input['tcp.0']?.counters['dropped_records'] ?? 0).toBe(0);
  });

  it('net.io_timeout closes an idle connection; a message sent before is kept', async () => {
    const port = await freePort();
    const { p, seen } = pipeline(port, ['net.io_timeout 1s']);
    await p.start();
    try {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      let closed = false;
      socket.on('close', () => (closed = true));
      socket.resume();
      socket.write('{"before":"idle"}');
      await until('the server to close the idle connection', () => closed, 10_000);
    } finally {
      await p.stop({ grace: 2 });
    }
    expect(recordsOf(seen)).toEqual([{ before: 'idle' }]);
  });

  it('fails to start on a port already taken, naming the address', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const { p } = pipeline(port, []);
    try {
      await expect(p.start()).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      await p.stop({ grace: 1 }).catch(() => undefined);
      await new Promise((r) => blocker.close(r));
    }
  });
});
