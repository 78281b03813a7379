/**
 * Fluent Bit's official Helm chart (fluent/helm-charts `charts/fluent-bit` 0.58.1, rendered with
 * its default values in `fixtures/helm/`) against logferry: the DaemonSet's container command line
 * runs logferry on the chart's ConfigMap, its probes answer, and the path the chart's
 * ServiceMonitor scrapes serves every `fluentbit_*` metric the chart's Grafana dashboard queries.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { startLogferry, type Agent } from '../support/agent.js';
import { REPO_ROOT } from '../support/cli.js';
import { parsePrometheus } from '../support/prometheus.js';
import { useTempDir } from '../support/temp-dir.js';

const CHART = join(REPO_ROOT, 'fixtures', 'helm', 'fluent-bit-0.58.1');

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read field by field */
type Obj = Record<string, any>;

const manifest = (file: string): Obj => {
  const docs = parseAllDocuments(readFileSync(join(CHART, file), 'utf8'));
  expect(docs).toHaveLength(1);
  return docs[0]!.toJS() as Obj;
};

const daemonSet = manifest('daemonset.yaml');
const configMap = manifest('configmap.yaml');
const serviceMonitor = manifest('servicemonitor.yaml');
const pod = daemonSet['spec'].template.spec as Obj;
const container = pod['containers'][0] as Obj;
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Obj;

/** Names the chart's Grafana dashboard queries. */
const DASHBOARD_METRICS = [...new Set(readFileSync(join(CHART, 'dashboards', 'fluent-bit.json'), 'utf8').match(/\bfluentbit_[a-z_]+/g))].sort();

/** Where each of the container's paths is in the test: the image's /fluent-bit/etc and the host's /var/log. */
function containerPaths(root: string): (text: string) => string {
  return (text) => text.replaceAll('/fluent-bit/etc', join(root, 'fluent-bit', 'etc')).replaceAll('/var/log', join(root, 'var', 'log'));
}

/** `text` with `from` replaced by `to`, which must be there (the fixture is what the test thinks it is). */
function replaceOnce(text: string, from: string, to: string): string {
  expect(text, `the chart's configuration has '${from}'`).toContain(from);
  return text.replace(from, to);
}

const agents: Agent[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) a.child.kill('SIGKILL');
});

const hasJournalctl = spawnSync('journalctl', ['--version'], { stdio: 'ignore' }).status === 0;

describe('Fluent Bit Helm chart 0.58.1 (default values) with logferry', () => {
  const dir = useTempDir('logferry-helm-');

  it('the fixture is the chart’s default rendering: command, args, probes and config from values.yaml', () => {
    expect(container['command']).toEqual(values['command']);
    expect(container['args']).toEqual(values['args']);
    expect(container['livenessProbe']).toEqual(values['livenessProbe']);
    expect(container['readinessProbe']).toEqual(values['readinessProbe']);
    const tpl = (s: string) => s.replace('{{ .Values.flush }}', String(values['flush'])).replace('{{ .Values.logLevel }}', values['logLevel']).replace('{{ .Values.metricsPort }}', String(values['metricsPort']));
    const config = values['config'] as Record<string, string>;
    // configmap.yaml's nindent leaves a line of four spaces after each part; YAML reads it as an empty line.
    expect(configMap['data']['fluent-bit.conf']).toBe(['service', 'inputs', 'filters', 'outputs'].map((k) => tpl(config[k]!)).join('\n'));
    expect(configMap['data']['custom_parsers.conf']).toBe(config['customParsers']);
    expect(container['volumeMounts'][0]).toEqual({ name: 'config', mountPath: '/fluent-bit/etc/conf' });
  });

  it.skipIf(!hasJournalctl)('runs the container’s command line on the chart’s config: probes answer 200, the ServiceMonitor’s path serves the dashboard’s metrics', async () => {
    const map = containerPaths(dir.path);
    // The image: /fluent-bit/etc holds Fluent Bit's stock files (deploy/image/etc), the ConfigMap is mounted at conf/.
    const etc = map('/fluent-bit/etc');
    mkdirSync(etc, { recursive: true });
    for (const f of readdirSync(join(REPO_ROOT, 'deploy', 'image', 'etc'))) copyFileSync(join(REPO_ROOT, 'deploy', 'image', 'etc', f), join(etc, f));
    const mount = container['volumeMounts'].find((m: Obj) => m['name'] === 'config')['mountPath'] as string;
    for (const [file, text] of Object.entries(configMap['data'] as Record<string, string>)) {
      let conf = map(text);
      if (file === 'fluent-bit.conf') {
        // The network: the listener on 127.0.0.1 and a free port, Elasticsearch's host on 127.0.0.1 (no record reaches it).
        conf = replaceOnce(conf, 'HTTP_Listen 0.0.0.0', 'HTTP_Listen 127.0.0.1');
        conf = replaceOnce(conf, `HTTP_Port ${container['ports'][0].containerPort}`, 'HTTP_Port 0');
        conf = conf.replaceAll('Host elasticsearch-master', 'Host 127.0.0.1');
      }
      dir.write(join(map(mount).slice(dir.path.length), file), conf);
    }
    mkdirSync(map('/var/log/containers'), { recursive: true });

    // The container's command is the image's /fluent-bit/bin/fluent-bit, which runs logferry with its args.
    expect(container['command']).toEqual(['/fluent-bit/bin/fluent-bit']);
    const agent = startLogferry((container['args'] as string[]).map(map));
    agents.push(agent);
    const port = await Promise.race([
      agent.logged(/tcp_port=(\d+)/).then((m) => m[1]!),
      agent.exited.then((code) => {
        throw new Error(`logferry exited ${code}: ${agent.stderr()}`);
      }),
    ]);

    // The probes name the container port `http`, the monitoring server's (HTTP_Port 2020).
    const http = container['ports'].find((p: Obj) => p['name'] === 'http');
    expect(http.containerPort).toBe(values['metricsPort']);
    for (const probe of [container['livenessProbe'], container['readinessProbe']]) {
      expect(probe.httpGet.port).toBe('http');
      const res = await fetch(`http://127.0.0.1:${port}${probe.httpGet.path}`);
      expect(res.status, probe.httpGet.path).toBe(200);
    }

    const endpoint = serviceMonitor['spec'].endpoints[0] as Obj;
    expect(endpoint['port']).toBe('http');
    const res = await fetch(`http://127.0.0.1:${port}${endpoint['path']}`);
    expect(res.status).toBe(200);
    const served = parsePrometheus(await res.text()).samples;
    expect(DASHBOARD_METRICS.length).toBeGreaterThanOrEqual(10);
    expect(DASHBOARD_METRICS.filter((m) => !served.has(m))).toEqual([]);
    // Each instance of the chart's config has its series: tail and systemd, kubernetes, two es.
    const plugins = (metric: string) => served.get(metric)!.map((s) => s.labels['name']!.replace(/\.\d+$/, '')).sort();
    expect(plugins('fluentbit_input_records_total')).toEqual(['systemd', 'tail']);
    expect(plugins('fluentbit_filter_records_total')).toEqual(['kubernetes']);
    expect(plugins('fluentbit_output_proc_records_total')).toEqual(['es', 'es']);
    expect(agent.stderr()).not.toMatch(/\[error\]/);
  }, 30_000);
});
