/**
 * The forward output against a small forward server written in the test (msgpack over a socket):
 * the message shapes Fluent Bit's out_forward sends, acks, the handshake, gzip, retries.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../../src/record/event.js';
import { createLogger } from '../../../../src/engine/logger.js';
import { Counters } from '../../../../src/engine/metrics.js';
import type { PlanInstance } from '../../../../src/config/plan/types.js';
import { pluginContext } from '../../../../src/engine/plugin-context.js';
import type { OutputRuntime } from '../../../../src/engine/plugin.js';
import { ForwardOutput } from '../../../../src/plugins/outputs/forward/forward-output.js';
import type { ForwardOutputOptions } from '../../../../src/plugins/outputs/forward/options.js';
import { validateClassic } from '../../../../src/config/validate.js';
import { planFrom } from '../../../support/pipeline.js';
import { ForwardServer, type ServerBehaviour } from '../../forward/wire.js';

const servers: ForwardServer[] = [];
const outputs: OutputRuntime[] = [];
afterEach(async () => {
  for (const o of outputs.splice(0)) await o.stop?.();
  for (const s of servers.splice(0)) await s.close();
});

async function server(behaviour: ServerBehaviour = {}): Promise<ForwardServer> {
  const s = await ForwardServer.start(behaviour);
  servers.push(s);
  return s;
}

function output(keys: Record<string, string>): OutputRuntime {
  const lines = Object.entries(keys).map(([k, v]) => `    ${k} ${v}\n`);
  const plan = planFrom(`[INPUT]\n    Name dummy\n\n[OUTPUT]\n    Name forward\n    Match *\n${lines.join('')}`);
  const instance = plan.outputs[0] as PlanInstance<'output'>;
  const ctx = pluginContext(instance, plan, {
    log: createLogger('off'),
    counters: new Counters(),
    host: { stdout: process.stdout, attachLibInput: () => undefined, deliverLib: () => undefined },
  });
  const o = new ForwardOutput(instance.options as unknown as ForwardOutputOptions, ctx);
  outputs.push(o);
  return o;
}

const FIRST = { attempt: 1, retriesLeft: 1 };
const S = 1_700_000_000n * 1_000_000_000n;
const batch = (tag = 'app.log'): EventBatch => ({
  tag,
  events: [
    { time: S + 123_456_789n, record: { message: 'one', level: 'info', nested: { a: [1, 2.5, null, true] } } },
    { time: S + 1_000_000_001n, record: { message: 'two', user: 'bob' } },
  ],
});
const at = (s: ForwardServer) => ({ host: '127.0.0.1', port: String(s.port) });
const until = async (ok: () => boolean): Promise<void> => {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
};

describe('forward output: what it sends', () => {
  it('Forward mode by default: [tag, [[EventTime, record], ...]] without options, times to the nanosecond', async () => {
    const s = await server();
    const o = output(at(s));
    expect(await o.flush(batch(), FIRST)).toEqual({ status: 'ok' });
    await until(() => s.messages.length === 1);
    expect(s.messages[0]).toEqual({
      tag: 'app.log',
      mode: 'forward',
      options: undefined,
      entries: [
        { tag: 'app.log', time: { sec: 1_700_000_000, nsec: 123_456_789 }, record: batch().events[0]!.record },
        { tag: 'app.log', time: { sec: 1_700_000_001, nsec: 1 }, record: { message: 'two', user: 'bob' } },
      ],
    });
  });

  it('Send_Options adds {size, fluent_signal}; Add_Option adds its pairs', async () => {
    const s = await server();
    const o = output({ ...at(s), send_options: 'on', add_option: 'region eu-west-1' });
    await o.flush(batch(), FIRST);
    await until(() => s.messages.length === 1);
    expect(s.messages[0]!.options).toEqual({ size: 2, fluent_signal: 0, region: 'eu-west-1' });
  });

  it('Compress gzip sends CompressedPackedForward: bin of gzip entries with compressed: gzip', async () => {
    const s = await server();
    const o = output({ ...at(s), compress: 'gzip' });
    await o.flush(batch(), FIRST);
    await until(() => s.messages.length === 1);
    expect(s.messages[0]!.mode).toBe('compressed');
    expect(s.messages[0]!.options).toEqual({ size: 2, compressed: 'gzip', fluent_signal: 0 });
    expect(s.entries.map((e) => [e.time, e.record])).toEqual(batch().events.map((e) => [{ sec: Number(e.time / 1_000_000_000n), nsec: Number(e.time % 1_000_000_000n) }, e.record]));
  });

  it('Time_as_Integer sends whole seconds; Retain_Metadata_In_Forward_Mode sends [[time, {}], record]', async () => {
    const s = await server();
    await output({ ...at(s), time_as_integer: 'on' }).flush(batch(), FIRST);
    await output({ ...at(s), retain_metadata_in_forward_mode: 'on' }).flush(batch(), FIRST);
    await until(() => s.messages.length === 2);
    expect(s.messages[0]!.entries.map((e) => e.time)).toEqual([1_700_000_000, 1_700_000_001]);
    expect(s.messages[1]!.entries.map((e) => [e.time, e.metadata])).toEqual([
      [{ sec: 1_700_000_000, nsec: 123_456_789 }, {}],
      [{ sec: 1_700_000_001, nsec: 1 }, {}],
    ]);
  });

  it('Tag replaces the tag; $TAG[n] reads it; a record key sends each record in message mode under its own tag', async () => {
    const s = await server();
    await output({ ...at(s), tag: 'fixed.tag' }).flush(batch(), FIRST);
    await output({ ...at(s), tag: 'from.$TAG[0]' }).flush(batch(), FIRST);
    await output({ ...at(s), tag: 'user.$user' }).flush(batch(), FIRST);
    await until(() => s.messages.length === 4);
    expect(s.messages.map((m) => [m.mode, m.tag, m.entries.length])).toEqual([
      ['forward', 'fixed.tag', 2],
      ['forward', 'from.app', 2],
      ['message', 'user.', 1],
      ['message', 'user.bob', 1],
    ]);
    expect(s.messages[3]!.entries[0]!.time).toEqual({ sec: 1_700_000_001, nsec: 1 });
  });

  it('keeps its connection open between flushes (net.keepalive), a new one per flush with net.keepalive off', async () => {
    const s = await server();
    const o = output(at(s));
    await o.flush(batch(), FIRST);
    await o.flush(batch(), FIRST);
    await until(() => s.messages.length === 2);
    expect(s.connections).toBe(1);
    const fresh = output({ ...at(s), 'net.keepalive': 'off' });
    await fresh.flush(batch(), FIRST);
    await fresh.flush(batch(), FIRST);
    await until(() => s.messages.length === 4);
    expect(s.connections).toBe(3);
  });
});

describe('forward output: acks and retries', () => {
  it('Require_ack_response: the chunk is Base64 of 16 bytes and the flush is ok once the server acks it', async () => {
    const s = await server();
    const o = output({ ...at(s), require_ack_response: 'on' });
    expect(await o.flush(batch(), FIRST)).toEqual({ status: 'ok' });
    expect(s.messages[0]!.options?.['chunk']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('message mode with acks waits for the ack of each record', async () => {
    const s = await server();
    expect(await output({ ...at(s), require_ack_response: 'on', tag: '$user' }).flush(batch(), FIRST)).toEqual({ status: 'ok' });
    expect(s.messages.map((m) => typeof m.options?.['chunk'])).toEqual(['string', 'string']);
  });

  for (const [behaviour, reason] of [
    ['close', 'waiting for ack'],
    ['wrong', 'does not match chunk'],
  ] as const) {
    it(`a server that ${behaviour === 'close' ? 'closes instead of acking' : 'acks another chunk'}: retry`, async () => {
      const s = await server({ ack: behaviour });
      const r = await output({ ...at(s), require_ack_response: 'on' }).flush(batch(), FIRST);
      expect(r.status).toBe('retry');
      expect((r as { reason: string }).reason).toContain(reason);
    });
  }

  it('no ack within net.io_timeout: retry', async () => {
    const s = await server({ ack: false });
    const r = await output({ ...at(s), require_ack_response: 'on', 'net.io_timeout': '1s' }).flush(batch(), FIRST);
    expect(r).toMatchObject({ status: 'retry' });
    expect((r as { reason: string }).reason).toContain('no ack of chunk');
  });

  it('nobody listening: retry naming the address; the next flush reaches the server once it is up', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const o = output({ host: '127.0.0.1', port: String(port) });
    const r = await o.flush(batch(), FIRST);
    expect(r.status).toBe('retry');
    expect((r as { reason: string }).reason).toContain(`127.0.0.1:${port}: connect ECONNREFUSED`);
  });

  it('an empty batch sends nothing', async () => {
    const s = await server();
    expect(await output(at(s)).flush({ tag: 't', events: [] }, FIRST)).toEqual({ status: 'ok' });
    await new Promise((r) => setTimeout(r, 20));
    expect(s.messages).toEqual([]);
  });
});

describe('forward output: the secure forward handshake', () => {
  it('Shared_Key and Self_Hostname: the server checks the PING digest, the output checks the PONG, then sends', async () => {
    const s = await server({ sharedKey: 'k3y' });
    const o = output({ ...at(s), shared_key: 'k3y', self_hostname: 'logferry-client', require_ack_response: 'on' });
    expect(await o.flush(batch(), FIRST)).toEqual({ status: 'ok' });
    expect(s.handshakes).toEqual([{ hostname: 'logferry-client', ok: true }]);
    expect(s.entries).toHaveLength(2);
  });

  it('Username and Password answer the server user authentication; a wrong password is retry with the server reason', async () => {
    const s = await server({ sharedKey: 'k', users: { alice: 'pa55' } });
    expect(await output({ ...at(s), shared_key: 'k', username: 'alice', password: 'pa55' }).flush(batch(), FIRST)).toEqual({ status: 'ok' });
    const r = await output({ ...at(s), shared_key: 'k', username: 'alice', password: 'wrong' }).flush(batch(), FIRST);
    expect(r).toMatchObject({ status: 'retry' });
    expect((r as { reason: string }).reason).toContain('username/password mismatch');
  });

  it('a server with another shared key: retry, nothing delivered', async () => {
    const s = await server({ sharedKey: 'theirs' });
    const r = await output({ ...at(s), shared_key: 'mine' }).flush(batch(), FIRST);
    expect(r).toMatchObject({ status: 'retry' });
    expect((r as { reason: string }).reason).toContain('handshake failed');
    expect(s.entries).toEqual([]);
  });
});

describe('forward output: configuration', () => {
  const diagnostics = (keys: string) => validateClassic(`${process.cwd()}/x.conf`, { text: `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name forward\n    Match *\n${keys}`, env: {} }).diagnostics;
  it('Upstream is an unsupported-key warning saying records go to Host and Port only', () => {
    const d = diagnostics('    Upstream /etc/upstream.conf\n').find((x) => x.code === 'unsupported-key');
    expect(d?.severity).toBe('warning');
    expect(d?.message).toContain('records go to Host and Port');
  });
  it('the combinations Fluent Bit refuses are errors', () => {
    for (const [keys, text] of [
      ['    Compress gzip\n    Time_as_Integer on\n', 'incompatible with time_as_integer'],
      ['    Compress gzip\n    Tag $user\n', 'incompatible with a tag read from records'],
      ['    Username alice\n', "no 'shared_key'"],
    ] as const) {
      expect(diagnostics(keys).filter((x) => x.severity === 'error').map((x) => x.message).join('\n')).toContain(text);
    }
  });
});
