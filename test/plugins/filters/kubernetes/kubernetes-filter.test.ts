import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../support/temp-dir.js';
import { KubeServer, makeCertificate } from './kube-server.js';
import { directFilter, kubeConfig, runKube, tagOf, until, type KubeSetup } from './harness.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const D = 'd'.repeat(64);
const E = 'e'.repeat(64);
const WEB = tagOf('web-7d4b9c6f5-x2k8p', 'default', 'web', A);
const PLAIN = tagOf('plain', 'default', 'app', B);
const API = tagOf('api-6b8f', 'shop', 'api', C);
const PROXY = tagOf('api-6b8f', 'shop', 'proxy', D);
const QUIET = tagOf('quiet-0', 'shop', 'worker', E);
const API_PATH = (ns: string, pod: string): string => `/api/v1/namespaces/${ns}/pods/${pod}`;

const WEB_META = {
  pod_name: 'web-7d4b9c6f5-x2k8p',
  namespace_name: 'default',
  pod_id: '1c9f3a52-6b7e-4d2f-9a1c-0e5b8d7f4a21',
  labels: { app: 'web', 'pod-template-hash': '7d4b9c6f5' },
  annotations: { 'prometheus.io/scrape': 'true' },
  host: 'ip-10-0-1-23.ec2.internal',
  pod_ip: '10.0.1.57',
  container_name: 'web',
  docker_id: A,
  container_hash: 'nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
  container_image: 'nginx:1.25.3',
};

/** Exact records, key order included. */
const exact = (records: unknown): string => JSON.stringify(records, null, 1);

/** HTTPS with a self-signed certificate; plain HTTP where openssl is missing. */
const tls = makeCertificate();
afterAll(() => {
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

describe(`kubernetes filter against a local API server over ${tls ? 'HTTPS' : 'HTTP (openssl not found)'}`, () => {
  const dir = useTempDir('kube-');
  let server: KubeServer;
  let setup: KubeSetup;
  beforeEach(async () => {
    server = new KubeServer(tls);
    setup = { port: await server.listen(), tls, dir: dir.path };
  });
  afterEach(async () => {
    await server.close();
  });

  it('appends the pod metadata in Fluent Bit key order, from the API server with the bearer token', async () => {
    const out = await runKube(kubeConfig(setup, ''), [
      [WEB, [{ log: 'GET / 200\n', stream: 'stdout' }]],
      [PLAIN, [{ log: 'hello', stream: 'stderr' }]],
    ]);
    expect(exact(out.records)).toBe(
      exact([
        { log: 'GET / 200\n', stream: 'stdout', kubernetes: WEB_META },
        {
          log: 'hello',
          stream: 'stderr',
          kubernetes: {
            pod_name: 'plain',
            namespace_name: 'default',
            pod_id: '77aa0c4e-2f4b-4d8e-8c3a-51d0e6b2c9f0',
            host: 'ip-10-0-1-23.ec2.internal',
            container_name: 'app',
            docker_id: B,
            container_hash: 'busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7',
            container_image: 'busybox:1.36',
          },
        },
      ]),
    );
    expect(server.requests).toEqual([API_PATH('default', 'web-7d4b9c6f5-x2k8p'), API_PATH('default', 'plain')]);
    expect(out.counters['api_requests']).toBe(2);
    expect(out.counters['api_errors']).toBeUndefined();
  });

  it('serves later chunks of a pod from the cache (one request per pod)', async () => {
    const out = await runKube(kubeConfig(setup, ''), [
      [WEB, [{ log: 'a' }]],
      [WEB, [{ log: 'b' }, { log: 'c' }]],
      [WEB, [{ log: 'd' }]],
      [API, [{ log: 'e' }]],
      [PROXY, [{ log: 'f' }]],
    ]);
    expect(out.records).toHaveLength(6);
    expect(out.records.every((r) => typeof r['kubernetes'] === 'object')).toBe(true);
    expect(server.requests).toEqual([API_PATH('default', 'web-7d4b9c6f5-x2k8p'), API_PATH('shop', 'api-6b8f')]);
    expect(out.counters['cache_hits']).toBe(2);
    expect((out.records[5]!['kubernetes'] as Record<string, unknown>)['container_image']).toBe('envoyproxy/envoy:v1.29.1');
  });

  it('leaves labels and annotations out when Labels and Annotations are Off; Owner_References adds ownerReferences', async () => {
    const out = await runKube(kubeConfig(setup, '    Labels Off\n    Annotations Off\n    Owner_References On'), [[WEB, [{ log: 'x' }]]]);
    const { labels: _l, annotations: _a, ...rest } = WEB_META;
    const owners = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c6f5', uid: '5f1c2b7e-8a0d-4c55-9d1e-3b2a7c9e0f11', controller: true, blockOwnerDeletion: true }];
    const { host, pod_ip, container_name, docker_id, container_hash, container_image, ...head } = rest;
    expect(exact(out.records)).toBe(
      exact([{ log: 'x', kubernetes: { ...head, ownerReferences: owners, host, pod_ip, container_name, docker_id, container_hash, container_image } }]),
    );
  });

  it('Merge_Log merges JSON logs after the original keys, trims trailing newlines, keeps log by default', async () => {
    const out = await runKube(kubeConfig(setup, '    Merge_Log On'), [
      [WEB, [{ log: '{"level":"info","msg":"done\\n","n":3}\n', stream: 'stdout' }, { log: 'not json', stream: 'stdout' }, { log: '[1,2]' }, { other: 1 }]],
    ]);
    expect(exact(out.records)).toBe(
      exact([
        { log: '{"level":"info","msg":"done\\n","n":3}\n', stream: 'stdout', level: 'info', msg: 'done', n: 3, kubernetes: WEB_META },
        { log: 'not json', stream: 'stdout', kubernetes: WEB_META },
        { log: '[1,2]', kubernetes: WEB_META },
        { other: 1, kubernetes: WEB_META },
      ]),
    );
  });

  it('Merge_Log_Key nests the merged fields; Keep_Log Off removes log after a successful merge only; Merge_Log_Trim Off keeps newlines', async () => {
    const out = await runKube(kubeConfig(setup, '    Merge_Log On\n    Merge_Log_Key app\n    Keep_Log Off\n    Merge_Log_Trim Off'), [
      [WEB, [{ stream: 'stdout', log: '{"msg":"x\\n"}' }, { stream: 'stdout', log: 'plain text' }, { log: '{}' }]],
    ]);
    expect(exact(out.records)).toBe(
      exact([
        { stream: 'stdout', app: { msg: 'x\n' }, kubernetes: WEB_META },
        { stream: 'stdout', log: 'plain text', kubernetes: WEB_META },
        { kubernetes: WEB_META },
      ]),
    );
  });

  it('Merge_Parser parses log instead of JSON; a time it finds becomes the event time', async () => {
    const parsers = '[PARSER]\n    Name app\n    Format regex\n    Regex ^(?<ts>\\S+) (?<lvl>\\w+) (?<text>.*)$\n    Time_Key ts\n    Time_Format %Y-%m-%dT%H:%M:%S\n';
    const { filter } = directFilter(kubeConfig(setup, '    Merge_Log On\n    Merge_Parser app', parsers), {});
    const out = await filter.filter(WEB, [
      { time: 5n, record: { log: '2026-01-02T03:04:05 INFO started' } },
      { time: 6n, record: { log: 'not-matching' } },
    ]);
    expect(out.map((e) => e.time)).toEqual([1_767_323_045_000_000_000n, 6n]);
    expect(exact(out.map((e) => e.record))).toBe(
      exact([
        { log: '2026-01-02T03:04:05 INFO started', lvl: 'INFO', text: 'started', kubernetes: WEB_META },
        { log: 'not-matching', kubernetes: WEB_META },
      ]),
    );
  });

  it('Regex_Parser reads the tag with its named groups (after the prefix is cut)', async () => {
    const parsers = '[PARSER]\n    Name by-dash\n    Format regex\n    Regex ^(?<namespace_name>[^.]+)\\.(?<pod_name>[^.]+)\\.(?<container_name>[^.]+)$\n';
    const out = await runKube(kubeConfig(setup, '    Regex_Parser by-dash\n    Kube_Tag_Prefix kube.', parsers), [['kube.default.plain.app', [{ log: 'x' }]]]);
    const k = out.records[0]!['kubernetes'] as Record<string, unknown>;
    expect(Object.keys(k)).toEqual(['pod_name', 'namespace_name', 'pod_id', 'host', 'container_name', 'docker_id', 'container_hash', 'container_image']);
    expect(k['docker_id']).toBe(B);
  });

  it('Cache_Use_Docker_Id gives a restarted container (new id) its own cache entry', async () => {
    const restarted = tagOf('web-7d4b9c6f5-x2k8p', 'default', 'web', C);
    const plain = await runKube(kubeConfig(setup, ''), [[WEB, [{ log: '1' }]], [restarted, [{ log: '2' }]]]);
    expect(plain.records.map((r) => (r['kubernetes'] as Record<string, unknown>)['docker_id'])).toEqual([A, A]);
    const byId = await runKube(kubeConfig(setup, '    Cache_Use_Docker_Id On'), [[WEB, [{ log: '1' }]], [restarted, [{ log: '2' }]]]);
    expect(byId.records.map((r) => (r['kubernetes'] as Record<string, unknown>)['docker_id'])).toEqual([A, C]);
    expect(server.requests).toHaveLength(2);
  });

  it('uses the parser a pod names in fluentbit.io/parser annotations (per stream and container) with K8S-Logging.Parser On', async () => {
    const parsers = '[PARSER]\n    Name kv\n    Format logfmt\n\n[PARSER]\n    Name envoy\n    Format regex\n    Regex ^\\[(?<lvl>\\w+)\\] (?<text>.*)$\n';
    const config = kubeConfig(setup, '    Merge_Log On\n    K8S-Logging.Parser On', parsers);
    const out = await runKube(config, [
      [API, [{ stream: 'stdout', log: 'a=1 b=two' }]],
      [PROXY, [{ stream: 'stderr', log: '[warn] upstream reset' }, { stream: 'stdout', log: 'c=3' }, { stream: 'stderr', log: '{"j":1}' }]],
    ]);
    const strip = out.records.map(({ kubernetes: _k, ...r }) => r);
    expect(exact(strip)).toBe(
      exact([
        { stream: 'stdout', log: 'a=1 b=two', a: '1', b: 'two' },
        { stream: 'stderr', log: '[warn] upstream reset', lvl: 'warn', text: 'upstream reset' },
        { stream: 'stdout', log: 'c=3', c: '3' },
        { stream: 'stderr', log: '{"j":1}' },
      ]),
    );
  });

  it('ignores parser annotations without K8S-Logging.Parser (JSON merge, a warning)', async () => {
    const out = await runKube(kubeConfig(setup, '    Merge_Log On'), [[API, [{ stream: 'stdout', log: 'a=1' }, { stream: 'stdout', log: '{"j":1}' }]]]);
    expect(out.records.map(({ kubernetes: _k, ...r }) => r)).toEqual([{ stream: 'stdout', log: 'a=1' }, { stream: 'stdout', log: '{"j":1}', j: 1 }]);
    expect(out.logs.some((l) => l.includes('fluentbit.io/parser') && l.includes('not allowed'))).toBe(true);
  });

  it('drops records of pods and streams excluded by fluentbit.io/exclude annotations with K8S-Logging.Exclude On', async () => {
    const pushes = [
      [QUIET, [{ stream: 'stdout', log: 'q1' }, { log: 'q2' }]],
      [API, [{ stream: 'stdout', log: 'kept' }, { stream: 'stderr', log: 'excluded' }, { log: 'no stream: kept' }]],
      [PROXY, [{ stream: 'stderr', log: 'proxy stderr kept' }]],
    ] as const satisfies readonly (readonly [string, Record<string, unknown>[]])[];
    const on = await runKube(kubeConfig(setup, '    K8S-Logging.Exclude On'), pushes);
    expect(on.records.map((r) => r['log'])).toEqual(['kept', 'no stream: kept', 'proxy stderr kept']);
    expect(on.counters['excluded_records']).toBe(3);
    expect(on.counters['drop_records']).toBe(3);
    const off = await runKube(kubeConfig(setup, ''), pushes);
    expect(off.records).toHaveLength(6);
  });

  it.runIf(tls !== undefined)('with Use_Kubelet (always https) asks the kubelet for /pods once for many pods', async () => {
    const config = kubeConfig(setup, `    Use_Kubelet On\n    Kubelet_Host 127.0.0.1\n    Kubelet_Port ${setup.port}\n    Buffer_Size 0`).replace(/ {4}Kube_URL .*\n/, '');
    const out = await runKube(config, [
      [WEB, [{ log: '1' }]],
      [PLAIN, [{ log: '2' }]],
      [API, [{ log: '3' }]],
      [tagOf('quiet-0', 'shop', 'migrate', E), [{ log: '4' }]],
      [tagOf('gone', 'default', 'app', A), [{ log: '5' }]],
    ]);
    expect(server.requests).toEqual(['/pods']);
    expect(exact(out.records[0])).toBe(exact({ log: '1', kubernetes: WEB_META }));
    expect((out.records[3]!['kubernetes'] as Record<string, unknown>)['container_image']).toBe('shop/migrate:1.0');
    expect(out.records[4]).toEqual({ log: '5' });
  });

  it('API errors (404, 403, bad JSON, larger than Buffer_Size) never drop records: they pass untouched and are counted', async () => {
    server.misbehave.set('shop/api-6b8f', 'forbidden');
    server.misbehave.set('shop/quiet-0', 'bad-json');
    server.misbehave.set('default/web-7d4b9c6f5-x2k8p', 'huge');
    const out = await runKube(kubeConfig(setup, '    Merge_Log On'), [
      [tagOf('gone', 'default', 'app', A), [{ log: '{"secret":"s1"}' }]],
      [API, [{ log: 'r2' }]],
      [QUIET, [{ log: 'r3' }]],
      [WEB, [{ log: 'r4' }]],
      [API, [{ log: 'r5' }]],
      [PLAIN, [{ log: 'r6' }]],
    ]);
    // Chunks are per tag, so records of different tags can reach the output in either order
    // (r2 and r5 share the API pod's chunk when one Flush covers both): compare by content.
    const byLog = (records: readonly Record<string, unknown>[]) => [...records].sort((a, b) => String(a['log']).localeCompare(String(b['log'])));
    const untouched = out.records.filter((r) => r['log'] !== 'r6');
    expect(byLog(untouched)).toEqual(byLog([{ log: '{"secret":"s1"}' }, { log: 'r2' }, { log: 'r3' }, { log: 'r4' }, { log: 'r5' }]));
    const plain = out.records.find((r) => r['log'] === 'r6');
    expect((plain?.['kubernetes'] as Record<string, unknown> | undefined)?.['pod_name']).toBe('plain');
    // the failed API pod is not asked again at once (negative cache)
    expect(out.counters['api_requests']).toBe(5);
    expect(out.counters['api_errors']).toBe(4);
    const warnings = out.logs.filter((l) => l.includes('cannot get metadata'));
    expect(warnings.join('\n')).toMatch(/default\/gone: HTTP status 404/);
    expect(warnings.join('\n')).toMatch(/shop\/api-6b8f: HTTP status 403/);
    expect(warnings.join('\n')).toMatch(/shop\/quiet-0: invalid JSON/);
    expect(warnings.join('\n')).toMatch(/larger than Buffer_Size \(32000 bytes\)/);
    expect(out.logs.join('\n')).not.toContain('s1');
  });

  it('re-reads the token file after Kube_Token_TTL', async () => {
    server.token = 'token-2';
    const config = kubeConfig(setup, '    Kube_Token_TTL 1');
    const out = await runKube(config, [[WEB, [{ log: 'before' }]], [API, [{ log: 'after' }]]], async (i) => {
      if (i !== 0) return;
      await until(() => server.requests.length === 1);
      writeFileSync(join(setup.dir, 'token'), 'token-2\n');
      await new Promise((r) => setTimeout(r, 1100));
    });
    expect(out.records[0]).toEqual({ log: 'before' });
    expect((out.records[1]!['kubernetes'] as Record<string, unknown>)['pod_name']).toBe('api-6b8f');
    expect(out.counters['api_errors']).toBe(1);
    expect(out.logs.join('\n')).toMatch(/HTTP status 401/);
  });

  it('takes the token from Kube_Token_Command', async () => {
    server.token = 'from-command';
    const out = await runKube(kubeConfig(setup, '    Kube_Token_Command echo from-command'), [[WEB, [{ log: 'x' }]]]);
    expect(exact(out.records)).toBe(exact([{ log: 'x', kubernetes: WEB_META }]));
  });

  it('Namespace_Labels and Namespace_Annotations add kubernetes_namespace (cached per namespace); Namespace_Metadata_Only skips the pod', async () => {
    const out = await runKube(kubeConfig(setup, '    Namespace_Labels On\n    Namespace_Annotations On'), [
      [API, [{ log: '1' }]],
      [PROXY, [{ log: '2' }]],
      [tagOf('nowhere', 'ghost', 'app', A), [{ log: '3' }]],
    ]);
    const shop = { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'payments' }, annotations: { owner: 'payments@example.com' } };
    expect(Object.keys(out.records[0]!)).toEqual(['log', 'kubernetes', 'kubernetes_namespace']);
    expect(exact(out.records[1]!['kubernetes_namespace'])).toBe(exact(shop));
    expect(out.records[2]).toEqual({ log: '3' });
    expect(server.count('/api/v1/namespaces/shop')).toBe(1);
    server.requests.length = 0;
    const only = await runKube(kubeConfig(setup, '    Namespace_Labels On\n    Namespace_Metadata_Only On'), [[API, [{ log: '1' }]], [tagOf('nowhere', 'ghost', 'app', A), [{ log: '2' }]]]);
    expect(exact(only.records)).toBe(exact([{ log: '1', kubernetes_namespace: { name: 'shop', labels: shop.labels } }, { log: '2' }]));
    expect(server.requests).toEqual(['/api/v1/namespaces/shop', '/api/v1/namespaces/ghost']);
  });

  it('reads pods and namespaces from Kube_Meta_Preload_Cache_Dir before asking the API server', async () => {
    const preload = join(setup.dir, 'preload');
    mkdirSync(preload);
    copyFileSync('fixtures/kubernetes/pods/default_web-7d4b9c6f5-x2k8p.json', join(preload, 'default_web-7d4b9c6f5-x2k8p.meta'));
    copyFileSync('fixtures/kubernetes/namespaces/default.json', join(preload, 'default.namespace_meta'));
    writeFileSync(join(preload, 'default_plain.meta'), '{not json');
    const out = await runKube(kubeConfig(setup, `    Kube_Meta_Preload_Cache_Dir ${preload}\n    Namespace_Labels On`), [[WEB, [{ log: '1' }]], [PLAIN, [{ log: '2' }]]]);
    expect(exact(out.records[0])).toBe(exact({ log: '1', kubernetes: WEB_META, kubernetes_namespace: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } } }));
    expect((out.records[1]!['kubernetes'] as Record<string, unknown>)['pod_name']).toBe('plain');
    expect(server.requests).toEqual([API_PATH('default', 'plain')]);
    expect(out.logs.join('\n')).toMatch(/ignoring default_plain.meta/);
  });

  it('reads no preloaded file outside Kube_Meta_Preload_Cache_Dir for a namespace taken from the tag', async () => {
    const preload = join(setup.dir, 'preload');
    mkdirSync(preload);
    // The namespace '../outside' names <dir>/outside_web-7d4b9c6f5-x2k8p.meta, beside the directory.
    copyFileSync('fixtures/kubernetes/pods/default_web-7d4b9c6f5-x2k8p.json', join(setup.dir, 'outside_web-7d4b9c6f5-x2k8p.meta'));
    const out = await runKube(kubeConfig(setup, `    Kube_Meta_Preload_Cache_Dir ${preload}`), [[tagOf('web-7d4b9c6f5-x2k8p', '../outside', 'web', A), [{ log: '1' }]]]);
    // The API server does not know the pod either, so the record passes untouched.
    expect(out.records).toEqual([{ log: '1' }]);
    expect(server.requests).toEqual([API_PATH('..%2Foutside', 'web-7d4b9c6f5-x2k8p')]);
  });

  it('Use_Journal reads each record\'s pod from its journald CONTAINER_NAME, keeping the order', async () => {
    const out = await runKube(kubeConfig(setup, '    Use_Journal On'), [
      [
        'kube.journal',
        [
          { MESSAGE: 'm1', CONTAINER_NAME: 'k8s_web_web-7d4b9c6f5-x2k8p_default_1c9f3a52-6b7e-4d2f-9a1c-0e5b8d7f4a21_0' },
          { MESSAGE: 'm2' },
          { MESSAGE: 'm3', CONTAINER_NAME: 'k8s_proxy.1a2b3c_api-6b8f_shop_3e2d1c0b_1' },
        ],
      ],
    ]);
    expect(out.records.map((r) => r['MESSAGE'])).toEqual(['m1', 'm2', 'm3']);
    expect(exact((out.records[0]!['kubernetes'] as Record<string, unknown>)['docker_id'])).toBe(exact(A));
    expect(out.records[1]).toEqual({ MESSAGE: 'm2' });
    expect(out.records[2]!['kubernetes']).toMatchObject({ pod_name: 'api-6b8f', container_name: 'proxy', docker_id: D, container_hash: '1a2b3c' });
  });

  it('Use_Tag_For_Meta builds the map from the tag only, without requests', async () => {
    const out = await runKube(kubeConfig(setup, '    Use_Tag_For_Meta On'), [[WEB, [{ log: 'x' }]]]);
    expect(exact(out.records)).toBe(exact([{ log: 'x', kubernetes: { pod_name: 'web-7d4b9c6f5-x2k8p', namespace_name: 'default', container_name: 'web', docker_id: A } }]));
    expect(server.requests).toEqual([]);
  });

  it('Dummy_Meta adds a fixed map without requests, for any tag', async () => {
    const out = await runKube(kubeConfig(setup, '    Dummy_Meta On'), [['kube.x', [{ log: 'x' }]]]);
    expect(Object.keys(out.records[0]!)).toEqual(['log', 'kubernetes']);
    expect(out.records[0]!['kubernetes']).toEqual({ dummy: expect.stringMatching(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/) });
    expect(server.requests).toEqual([]);
  });

  it('passes records whose tag has no pod untouched, with a warning', async () => {
    const out = await runKube(kubeConfig(setup, ''), [['kube.var.log.containers.nothing-here.log', [{ log: 'x' }]], ['kube.x', [{ log: 'y' }]]]);
    expect(out.records).toEqual([{ log: 'x' }, { log: 'y' }]);
    expect(out.logs.join('\n')).toMatch(/invalid pattern for given tag/);
    expect(server.requests).toEqual([]);
  });

  it('expires cached metadata after Kube_Meta_Cache_TTL', async () => {
    const out = await runKube(kubeConfig(setup, '    Kube_Meta_Cache_TTL 1'), [[WEB, [{ log: '1' }]], [WEB, [{ log: '2' }]], [WEB, [{ log: '3' }]]], async (i) => {
      if (i === 1) await new Promise((r) => setTimeout(r, 1100));
      else await until(() => server.requests.length >= 1);
    });
    expect(out.records).toHaveLength(3);
    expect(server.count(API_PATH('default', 'web-7d4b9c6f5-x2k8p'))).toBe(2);
  });

  it.runIf(tls !== undefined)('counts a TLS failure when no CA verifies the server; Kube_CA_Path (with tls.verify_hostname) or tls.verify Off accept it', async () => {
    const out = await runKube(kubeConfig(setup, '').replace(/Kube_CA_File .*/, `Kube_CA_File ${join(setup.dir, 'missing.pem')}`), [[WEB, [{ log: 'x' }]]]);
    expect(out.records).toEqual([{ log: 'x' }]);
    expect(out.counters['api_errors']).toBe(1);
    const caDir = join(setup.dir, 'cas');
    mkdirSync(caDir);
    copyFileSync(setup.tls!.cert, join(caDir, 'server.crt'));
    const byPath = await runKube(kubeConfig(setup, `    Kube_CA_Path ${caDir}\n    tls.verify_hostname On`).replace(/Kube_CA_File .*/, `Kube_CA_File ${join(setup.dir, 'missing.pem')}`), [[WEB, [{ log: 'x' }]]]);
    expect(exact(byPath.records)).toBe(exact([{ log: 'x', kubernetes: WEB_META }]));
    const insecure = await runKube(kubeConfig(setup, '    tls.verify Off').replace(/Kube_CA_File .*/, `Kube_CA_File ${join(setup.dir, 'missing.pem')}`), [[WEB, [{ log: 'x' }]]]);
    expect(exact(insecure.records)).toBe(exact([{ log: 'x', kubernetes: WEB_META }]));
  });

  it('gives up on an API server that does not answer within the timeout; the records pass', async () => {
    server.misbehave.set('default/web-7d4b9c6f5-x2k8p', 'hang');
    const { filter, counters, logs } = directFilter(kubeConfig(setup, ''), { timeoutMs: 200 });
    const events = [{ time: 1n, record: { log: 'x' } }];
    expect(await filter.filter(WEB, events)).toEqual([{ time: 1n, record: { log: 'x' } }]);
    expect(counters.get('api_errors')).toBe(1);
    expect(logs.join('\n')).toMatch(/no answer within 200 ms/);
  });

  it('a flood of new pods makes one request per pod, at most maxConcurrentRequests at a time', async () => {
    const plain = server.pods.get('default/plain') as { metadata: Record<string, unknown> };
    for (let i = 0; i < 30; i++) server.pods.set(`flood/pod-${i}`, { ...plain, metadata: { ...plain.metadata, name: `pod-${i}`, namespace: 'flood' } });
    server.delayMs = 30;
    const { filter, counters } = directFilter(kubeConfig(setup, ''), { maxConcurrentRequests: 3, requestsPerSecond: 0 });
    const calls = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 30; i++) calls.push(filter.filter(tagOf(`pod-${i}`, 'flood', 'app', B), [{ time: 1n, record: { i } }]));
    }
    const results = await Promise.all(calls);
    expect(results.every((r) => (r[0]!.record['kubernetes'] as Record<string, unknown>)['namespace_name'] === 'flood')).toBe(true);
    expect(server.requests).toHaveLength(30);
    expect(counters.get('api_requests')).toBe(30);
    expect(server.peakActive).toBeLessThanOrEqual(3);
    expect(filter.limiter.peak).toBe(3);
  });
});
