/**
 * The runtime contract every registered plugin keeps, checked in one loop over the registry (as
 * Vector's sink compliance harness does): created with only its required keys against the local
 * stand-ins (aws-local, kube-local, temp dirs, HTTP servers on 127.0.0.1), it handles an empty and
 * a one-record batch, stops twice without error, and loses nothing: the record reaches the stand-in
 * or is counted as dropped. A plugin added to the registry is in the loop without any change here;
 * if it needs a stand-in or a value for a required key, the loop fails saying so.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../src/aws-local/index.js';
import { IMDS_ENDPOINT_ENV } from '../../src/plugins/filters/aws/imds-client.js';
import { startKubeLocal, type KubeLocal } from '../../src/kube-local/index.js';
import type { EventBatch, LogEvent } from '../../src/record/event.js';
import { createLogger } from '../../src/engine/logger.js';
import { Counters, flushScope } from '../../src/engine/metrics.js';
import { Pipeline } from '../../src/engine/pipeline.js';
import type { FilterContext, FilterRuntime, FlushAttempt, InputContext, InputRuntime, OutputRuntime } from '../../src/engine/plugin.js';
import { inputTag, pluginContext } from '../../src/engine/plugin-context.js';
import type { PlanInstance } from '../../src/config/plan/types.js';
import type { ContextOf, PluginDefinition, PluginKind, RuntimeOf } from '../../src/options/define.js';
import { allPlugins } from '../../src/plugins/registry.js';
import { bulkServer, type BulkServer } from './outputs/es/bulk-server.js';
import { LOCAL_CREDENTIALS } from './outputs/aws/use-aws-local.js';
import { planFrom } from '../support/pipeline.js';
import { ForwardServer } from './forward/wire.js';
import { freePort } from '../support/free-port.js';

/** The local stand-ins, started once for the file. */
interface StandIns {
  readonly dir: string;
  readonly aws: AwsLocal;
  readonly kube: KubeLocal;
  readonly bulk: BulkServer;
  readonly http: { readonly port: number; readonly bodies: string[] };
  /** A forward protocol server (the forward output's peer). */
  readonly forward: ForwardServer;
  /** What `stdout` outputs wrote. */
  readonly stdout: string[];
  /** Batches `lib` outputs handed to the embedding program. */
  readonly lib: EventBatch[];
  /** Ports free on 127.0.0.1 for the listening inputs (tcp, http), by plugin name. */
  readonly ports: Readonly<Record<string, number>>;
}

/** What a plugin needs beyond its name: values for its required keys, pointers to a stand-in. */
interface Setup {
  readonly keys: (s: StandIns) => Readonly<Record<string, string>>;
  /** [SERVICE] lines (a parsers file). */
  readonly service?: (s: StandIns) => string;
  /** Tag of the batches (a filter that only acts on some tags). */
  readonly tag?: string;
  /** When what it needs is not installed here: the error its start must fail with (an input). */
  readonly missing?: () => RegExp | undefined;
}

/** An output also says where its records end up, as text the marker of a record can be found in. */
interface OutputSetup extends Setup {
  readonly received: ((s: StandIns) => string) | 'discards';
}

const REGION = { region: 'us-east-1' };
const awsOut = (s: StandIns) => ({ ...REGION, endpoint: s.aws.endpoint });

const INPUTS: Readonly<Record<string, Setup>> = {
  forward: { keys: () => ({ listen: '127.0.0.1', port: '0' }) },
  tail: { keys: (s) => ({ path: join(s.dir, 'tail-*.log') }) },
  systemd: {
    keys: (s) => ({ path: join(s.dir, 'journal') }),
    missing: () => (spawnSync('journalctl', ['--version'], { stdio: 'ignore' }).status === 0 ? undefined : /journalctl': not found on PATH/),
  },
  tcp: { keys: (s) => ({ listen: '127.0.0.1', port: String(s.ports['tcp']) }) },
  http: { keys: (s) => ({ listen: '127.0.0.1', port: String(s.ports['http']) }) },
};

const FILTERS: Readonly<Record<string, Setup>> = {
  parser: { keys: () => ({ key_name: 'log', parser: 'compliance_json' }), service: (s) => `    Parsers_File ${join(s.dir, 'parsers.conf')}\n` },
  nest: { keys: () => ({ operation: 'nest', wildcard: 'message', nest_under: 'nested' }) },
  multiline: { keys: () => ({ 'multiline.parser': 'docker' }) },
  lua: { keys: () => ({ code: 'function cb(tag, ts, record) record.lua = true return 2, ts, record end', call: 'cb' }) },
  rewrite_tag: { keys: () => ({ rule: '$message ^compliance compliance.rewritten false' }) },
  kubernetes: {
    keys: (s) => ({ kube_url: s.kube.url, kube_token_file: join(s.dir, 'kube-token') }),
    tag: `kube.var.log.containers.web-1_default_app-${'0123456789abcdef'.repeat(4)}.log`,
  },
};

const OUTPUTS: Readonly<Record<string, OutputSetup>> = {
  cloudwatch_logs: { keys: (s) => ({ ...awsOut(s), log_group_name: 'compliance', log_stream_name: 'one' }), received: awsText },
  kinesis_firehose: { keys: (s) => ({ ...awsOut(s), delivery_stream: 'compliance' }), received: awsText },
  kinesis_streams: { keys: (s) => ({ ...awsOut(s), stream: 'compliance' }), received: awsText },
  kinesis: { keys: (s) => ({ ...awsOut(s), stream: 'compliance-go' }), received: awsText },
  firehose: { keys: (s) => ({ ...awsOut(s), delivery_stream: 'compliance-go' }), received: awsText },
  cloudwatch: { keys: (s) => ({ ...awsOut(s), log_group_name: 'compliance', log_stream_name: 'go' }), received: awsText },
  s3: { keys: (s) => ({ ...awsOut(s), bucket: 'compliance', store_dir: join(s.dir, 's3-store') }), received: awsText },
  file: { keys: (s) => ({ path: join(s.dir, 'file-out') }), received: (s) => filesText(join(s.dir, 'file-out')) },
  http: { keys: (s) => ({ host: '127.0.0.1', port: String(s.http.port) }), received: (s) => s.http.bodies.join('\n') },
  forward: { keys: (s) => ({ host: '127.0.0.1', port: String(s.forward.port), require_ack_response: 'on' }), received: (s) => JSON.stringify(s.forward.entries) },
  es: { keys: (s) => ({ host: '127.0.0.1', port: String(s.bulk.port) }), received: bulkText },
  opensearch: { keys: (s) => ({ host: '127.0.0.1', port: String(s.bulk.port) }), received: bulkText },
  stdout: { keys: () => ({}), received: (s) => s.stdout.join('') },
  lib: { keys: () => ({}), received: (s) => JSON.stringify(s.lib.flatMap((b) => b.events.map((e) => e.record))) },
  // Fluent Bit's out_null: discarding is what it is for.
  null: { keys: () => ({}), received: 'discards' },
};

const SETUPS: Readonly<Record<PluginKind, Readonly<Record<string, Setup>>>> = { input: INPUTS, filter: FILTERS, output: OUTPUTS };

function awsText(s: StandIns): string {
  const { store } = s.aws;
  return [
    ...store.logGroups().flatMap((g) => store.logStreams(g.name).flatMap((st) => store.logEvents(g.name, st).map((e) => e.message))),
    ...store.deliveryStreams().flatMap((d) => store.firehoseRecords(d).map((r) => r.toString('utf8'))),
    ...store.kinesisStreams().flatMap((k) => store.kinesisRecords(k).map((r) => r.data.toString('utf8'))),
    ...store.s3Buckets().flatMap((b) => store.s3Objects(b).map((o) => o.data.toString('utf8'))),
  ].join('\n');
}

function bulkText(s: StandIns): string {
  return s.bulk.requests.map((r) => r.text).join('');
}

function filesText(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return '';
  }
  return names.map((n) => readFileSync(join(dir, n), 'utf8')).join('\n');
}

function occurrences(text: string, marker: string): number {
  return text.split(marker).length - 1;
}

/** The section of a plugin with its required keys (from its table) and its setup's stand-in keys. */
function configOf(def: PluginDefinition, s: StandIns): string {
  const setup = SETUPS[def.kind][def.name];
  const keys = setup?.keys(s) ?? {};
  const required = Object.entries(def.options).filter(([key, spec]) => spec.required && key !== 'name');
  const missing = required.filter(([key]) => !(key in keys)).map(([key]) => key);
  if (missing.length > 0) {
    throw new Error(`${def.kind} ${def.name} requires ${missing.join(', ')}: give the value(s) in its entry of ${def.kind.toUpperCase()}S in ${import.meta.url.split('/').pop()}`);
  }
  const lines = Object.entries(keys).map(([k, v]) => `    ${k} ${v}\n`);
  const match = def.kind === 'input' ? '' : '    Match *\n';
  return `[SERVICE]\n    Log_Level warn\n${setup?.service?.(s) ?? ''}\n[${def.kind.toUpperCase()}]\n    Name ${def.name}\n${match}${lines.join('')}`;
}

/** What a created runtime did through its context. */
interface Probe {
  readonly counters: Counters;
  /** What the runtime emitted (inputs; filters re-emitting under another tag). */
  readonly emitted: { readonly tag: string; readonly events: LogEvent[]; readonly afterStop: boolean }[];
  /** Set once the test has stopped it: an emit after that breaks the contract. */
  stopped: boolean;
  readonly label: string;
}

/** Every runtime created in this file, for the check that none emits after its stop. */
const probes: Probe[] = [];

/**
 * Creates a plugin's runtime from config text as the pipeline does (the plan parses and defaults
 * the options; the context lends a logger, counters, the host and emit). The one place that knows
 * how `create` is called.
 */
async function createRuntime<K extends PluginKind>(kind: K, name: string, configText: string, s: StandIns): Promise<{ runtime: RuntimeOf<K>; probe: Probe }> {
  const plan = planFrom(configText);
  const instance = [...plan.inputs, ...plan.filters, ...plan.outputs].find((i) => i.kind === kind && i.plugin === name);
  if (!instance?.definition?.create) throw new Error(`${kind} ${name}: no runnable instance in ${configText}`);
  const probe: Probe = { counters: new Counters(), emitted: [], stopped: false, label: `${kind} ${name}` };
  probes.push(probe);
  const parts = {
    log: createLogger('warn', () => undefined, instance.displayName),
    counters: probe.counters,
    host: {
      stdout: stdoutInto(s.stdout),
      attachLibInput: () => undefined,
      deliverLib: (_name: string, batch: EventBatch) => {
        s.lib.push({ tag: batch.tag, events: [...batch.events] });
      },
    },
  };
  const emit = (tag: string, events: LogEvent[], committed?: () => void) => {
    probe.emitted.push({ tag, events: [...events], afterStop: probe.stopped });
    committed?.();
  };
  // The input and filter contexts in one object, as Pipeline.start builds each.
  const ctx: InputContext & FilterContext = {
    ...pluginContext(instance, plan, parts),
    tag: instance.kind === 'input' ? inputTag(instance as PlanInstance<'input'>) : instance.id,
    emit,
    done: () => undefined,
    emitter: () => emit,
  };
  const definition = instance.definition as PluginDefinition<K>;
  return { runtime: await definition.create!(instance.options as Parameters<NonNullable<typeof definition.create>>[0], ctx as ContextOf<K>), probe };
}

function stdoutInto(chunks: string[]): NodeJS.WritableStream {
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
  return stream;
}

async function stopTwice(runtime: { stop?(): Promise<void> }): Promise<void> {
  await runtime.stop?.();
  await runtime.stop?.();
}

const NOW = BigInt(Date.now()) * 1_000_000n;
/** The first attempt of a chunk with the default Retry_Limit (1): one retry left. */
const FIRST_ATTEMPT: FlushAttempt = { attempt: 1, retriesLeft: 1 };
const batchOf = (tag: string, marker: string | undefined): EventBatch => ({
  tag,
  id: `compliance-${marker ?? 'empty'}`,
  events: marker === undefined ? [] : [{ time: NOW, record: { message: marker, log: '{"from":"compliance"}' } }],
});

let standIns: StandIns | undefined;
const saved: Record<string, string | undefined> = {};
const servers: Server[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-compliance-'));
  writeFileSync(join(dir, 'tail-1.log'), 'an existing line\n');
  for (const sub of ['file-out', 'journal']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'kube-token'), 'token\n');
  writeFileSync(join(dir, 'parsers.conf'), '[PARSER]\n    Name compliance_json\n    Format json\n');
  const aws = await startAwsLocal({ seed: 17 });
  const env = { ...LOCAL_CREDENTIALS, [IMDS_ENDPOINT_ENV]: aws.endpoint };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  // A log group exists before an agent sends to it (auto_create_group is off by default).
  await new CloudWatchLogsClient({ endpoint: aws.endpoint, region: REGION.region }).send(new CreateLogGroupCommand({ logGroupName: 'compliance' }));
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      bodies.push(Buffer.concat(parts).toString('utf8'));
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  standIns = {
    dir,
    aws,
    kube: await startKubeLocal([{ metadata: { name: 'web-1', namespace: 'default' } }]),
    bulk: await bulkServer(),
    http: { port: (server.address() as AddressInfo).port, bodies },
    forward: await ForwardServer.start(),
    stdout: [],
    lib: [],
    ports: { tcp: await freePort(), http: await freePort() },
  };
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await Promise.all([standIns?.aws.close(), standIns?.kube.close(), standIns?.bulk.close(), standIns?.forward.close(), ...servers.map((s) => new Promise((r) => s.close(r)))]);
  if (standIns) rmSync(standIns.dir, { recursive: true, force: true });
});

const stand = (): StandIns => standIns!;
const registered = allPlugins();
const runnable = registered.filter((p) => p.create !== undefined);

describe('every registered plugin keeps the runtime contract', () => {
  it('the loop covers every plugin of each kind the registry can run', () => {
    for (const kind of ['input', 'filter', 'output'] as const) expect(runnable.filter((p) => p.kind === kind).length, kind).toBeGreaterThan(0);
    // A setup for a plugin that is not registered is a leftover (renamed or removed plugin).
    for (const kind of ['input', 'filter', 'output'] as const) {
      for (const name of Object.keys(SETUPS[kind])) expect(registered.some((p) => p.kind === kind && p.name === name), `${kind} ${name}`).toBe(true);
    }
  });

  // Registered for validation only: `run` must refuse them by name instead of starting without them.
  for (const def of registered.filter((p) => p.create === undefined)) {
    it(`${def.kind} ${def.name} (validation only): the pipeline refuses to start it, naming it`, async () => {
      const pipeline = new Pipeline(planFrom(configOf(def, stand())), { logSink: () => undefined });
      await expect(pipeline.start()).rejects.toThrow(`${def.kind} plugin '${def.name}' cannot run in logferry yet`);
      await pipeline.stop();
    });
  }

  for (const def of runnable.filter((p) => p.kind === 'output')) {
    it(`output ${def.name}: an empty batch sends nothing, one record is delivered or counted as dropped, stop twice`, async () => {
      const setup = OUTPUTS[def.name];
      if (!setup) throw new Error(`output ${def.name} has no entry in OUTPUTS: say where the compliance loop finds what it delivered`);
      const s = stand();
      const marker = `compliance-output-${def.name}-record`;
      const received = () => (setup.received === 'discards' ? '' : setup.received(s));
      const { runtime, probe } = await createRuntime('output', def.name, configOf(def, s), s);
      const out: OutputRuntime = runtime;

      const before = received();
      const empty = await flushScope.run({ dropped: 0, delivered: 0 }, () => out.flush(batchOf('compliance.out', undefined), FIRST_ATTEMPT));
      expect(empty).toEqual({ status: 'ok' });
      expect(received(), 'an empty batch reaches nothing').toBe(before);
      const scope = { dropped: 0, delivered: 0 };
      const one = await flushScope.run(scope, () => out.flush(batchOf('compliance.out', marker), FIRST_ATTEMPT));
      out.forget?.(batchOf('compliance.out', marker).id!);
      await stopTwice(out);
      probe.stopped = true;

      expect(one, JSON.stringify(one)).toEqual({ status: 'ok' });
      const dropped = probe.counters.get('dropped_records');
      expect(dropped, 'drops counted inside the flush scope, so the engine does not count them twice').toBe(scope.dropped);
      if (setup.received === 'discards') expect(dropped).toBe(0);
      else expect({ delivered: occurrences(received(), marker), dropped }).toEqual(dropped === 0 ? { delivered: 1, dropped: 0 } : { delivered: 0, dropped: 1 });
    });
  }

  for (const def of runnable.filter((p) => p.kind === 'filter')) {
    it(`filter ${def.name}: an empty batch stays empty, one record comes out (returned or re-emitted), stop twice`, async () => {
      const s = stand();
      const setup = FILTERS[def.name];
      const tag = setup?.tag ?? 'compliance.filter';
      const { runtime, probe } = await createRuntime('filter', def.name, configOf(def, s), s);
      const filter: FilterRuntime = runtime;

      expect(await filter.filter(tag, [])).toEqual([]);
      const returned = await filter.filter(tag, batchOf(tag, `compliance-filter-${def.name}`).events);
      await stopTwice(filter);
      probe.stopped = true;

      const out = [...returned, ...probe.emitted.flatMap((e) => e.events)];
      for (const e of out) expect([typeof e.time, typeof e.record]).toEqual(['bigint', 'object']);
      expect(out.length + probe.counters.get('dropped_records')).toBe(1);
    });
  }

  for (const def of runnable.filter((p) => p.kind === 'input')) {
    it(`input ${def.name}: starts, pauses and resumes, stops twice; what it emits are records`, async () => {
      const s = stand();
      const { runtime, probe } = await createRuntime('input', def.name, configOf(def, s), s);
      const input: InputRuntime = runtime;
      const refusal = INPUTS[def.name]?.missing?.();
      if (refusal) {
        await expect(input.start()).rejects.toThrow(refusal);
        await stopTwice(input);
        return;
      }
      await input.start();
      input.pause();
      input.resume();
      await stopTwice(input);
      probe.stopped = true;
      for (const { tag, events } of probe.emitted) {
        expect(typeof tag).toBe('string');
        for (const e of events) expect([typeof e.time, typeof e.record]).toEqual(['bigint', 'object']);
      }
    });
  }

  // Last, so that the plugins stopped first have had the whole run to misbehave.
  it('no runtime emits after it was stopped', () => {
    expect(probes.length).toBe(runnable.length);
    expect(probes.filter((p) => p.emitted.some((e) => e.afterStop)).map((p) => p.label)).toEqual([]);
  });
});
