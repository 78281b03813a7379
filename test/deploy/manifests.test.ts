import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateManifestFile } from '../../src/config/fargate/validate.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

/** Every YAML file under deploy/, relative to the repository. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(f) ? [relative(REPO_ROOT, p)] : [];
    });
}

const FILES = yamlFiles(join(REPO_ROOT, 'deploy'));

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are checked field by field */
type Obj = Record<string, any>;

const objects: { file: string; doc: Obj }[] = FILES.flatMap((file) =>
  parseAllDocuments(readFileSync(join(REPO_ROOT, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return { file, doc: d.toJS() as Obj };
  }),
);

const find = (kind: string, name?: string, dir = 'deploy/kubernetes/'): Obj => {
  const found = objects.filter((o) => o.file.startsWith(dir) && o.doc['kind'] === kind && (name === undefined || o.doc['metadata']?.name === name));
  expect(found, `${kind} ${name ?? ''} in ${dir}`).toHaveLength(1);
  return found[0]!.doc;
};

const daemonSet = find('DaemonSet');
const pod = daemonSet['spec'].template.spec as Obj;
const container = pod['containers'][0] as Obj;

/** Values for what the DaemonSet reads from fluent-bit-cluster-info and the downward API. */
const SAMPLES: Record<string, string> = {
  'logs.region': 'us-east-1',
  'cluster.name': 'demo',
  'read.head': 'Off',
  'read.tail': 'On',
  'spec.nodeName': 'ip-10-0-1-23.ec2.internal',
  'metadata.name': 'fluent-bit-x7k2p',
};

/** The container's environment as the pod would have it. */
const podEnv: Record<string, string> = Object.fromEntries(
  (container['env'] as Obj[]).map((e) => {
    const from = e['valueFrom'];
    const value = e['value'] ?? SAMPLES[from?.configMapKeyRef?.key ?? from?.fieldRef?.fieldPath];
    expect(value, `env ${e['name']}`).toBeTypeOf('string');
    return [e['name'], value as string];
  }),
);

const configMapFile = 'deploy/kubernetes/02-configmap.yaml';

describe('deploy/: Kubernetes manifests', () => {
  it('every YAML document parses and has apiVersion, kind and metadata.name', () => {
    expect(FILES).toContain(configMapFile);
    expect(FILES).toContain('deploy/fargate/aws-logging-configmap.yaml');
    for (const { file, doc } of objects) {
      expect(doc['apiVersion'], file).toMatch(/^([a-z0-9.]+\/)?v1$/);
      expect(doc['kind'], file).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(doc['metadata']?.name, file).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
  });

  it('logferry validate passes on every file, with the environment the DaemonSet gives', async () => {
    const env = Object.entries(podEnv).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    for (const file of FILES) {
      const run = await runCli(['validate', '--format', 'json', ...env, file]);
      const report = JSON.parse(run.stdout) as { diagnostics: { code: string; severity: string }[] };
      expect(run.code, `${file}: ${run.stdout}`).toBe(0);
      // Every ${VAR} of the configuration is set by the DaemonSet.
      expect(report.diagnostics.filter((d) => d.severity === 'error' || d.code === 'undefined-variable'), file).toEqual([]);
    }
  });

  it('the DaemonSet runs the image with the mounted configuration, and its probes ask /api/v1/health on HTTP_PORT', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(container['image']).toBe(`logferry:${version}`);
    const mounts = container['volumeMounts'] as Obj[];
    const configMount = mounts.find((m) => pod['volumes'].find((v: Obj) => v['name'] === m['name'])?.configMap?.name === 'fluent-bit-config');
    expect(configMount?.['mountPath']).toBe('/fluent-bit/etc/');
    expect(container['args']).toEqual(['run', '-c', '/fluent-bit/etc/fluent-bit.conf']);

    const plan = validateManifestFile(configMapFile, { cwd: REPO_ROOT, env: podEnv })!.plans[0]!;
    expect(plan.service.http_server).toBe(true);
    expect(plan.service.health_check).toBe(true);
    expect(plan.service.http_port).toBe(Number(podEnv['HTTP_PORT']));
    const portOf = (p: number | string) => (typeof p === 'number' ? p : (container['ports'] as Obj[]).find((x) => x['name'] === p)?.['containerPort']);
    for (const probe of [container['livenessProbe'], container['readinessProbe']] as Obj[]) {
      expect(probe['httpGet'].path).toBe('/api/v1/health');
      expect(portOf(probe['httpGet'].port)).toBe(plan.service.http_port);
    }
    // Time to flush for Grace seconds and save the offsets before SIGKILL.
    expect(pod['terminationGracePeriodSeconds']).toBeGreaterThan(plan.service.grace);
  });

  it('the DaemonSet mounts the host logs read-only and the state directory writable', () => {
    const plan = validateManifestFile(configMapFile, { cwd: REPO_ROOT, env: podEnv })!.plans[0]!;
    const hostPath = (path: string) => {
      const volume = (pod['volumes'] as Obj[]).find((v) => v['hostPath']?.path === path);
      expect(volume, `hostPath ${path}`).toBeDefined();
      const mount = (container['volumeMounts'] as Obj[]).find((m) => m['name'] === volume!['name']);
      expect(mount?.['mountPath'], `mount of ${path}`).toBe(path);
      return mount!;
    };
    for (const path of ['/var/log', '/run/log/journal', '/etc/machine-id']) expect(hostPath(path)['readOnly'], path).toBe(true);
    const state = hostPath('/var/fluent-bit/state');
    expect(state['readOnly']).toBeUndefined();
    // Where the configuration keeps its tail DBs and filesystem chunks.
    expect(plan.service['storage.path']).toMatch(/^\/var\/fluent-bit\/state\//);
    const dbs = plan.inputs.map((i) => (i.options as Obj)['db']).filter((db) => db !== undefined);
    expect(dbs.length).toBeGreaterThan(0);
    for (const db of dbs) expect(db).toMatch(/^\/var\/fluent-bit\/state\//);

    // Above AWS's 200Mi: two 50MB Mem_Buf_Limit inputs under a backlog reach ~650 MB in logferry.
    expect(container['resources'].limits.memory).toBe('768Mi');
    expect(container['securityContext']).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it('RBAC lets the service account read pods and namespaces, and the kubelet', () => {
    const ns = find('Namespace', 'amazon-cloudwatch');
    const sa = find('ServiceAccount');
    const role = find('ClusterRole');
    const binding = find('ClusterRoleBinding');
    for (const o of [sa, daemonSet, find('ConfigMap')]) expect(o['metadata'].namespace).toBe(ns['metadata'].name);
    expect(pod['serviceAccountName']).toBe(sa['metadata'].name);
    expect(binding['roleRef']).toMatchObject({ kind: 'ClusterRole', name: role['metadata'].name });
    expect(binding['subjects']).toContainEqual({ kind: 'ServiceAccount', name: sa['metadata'].name, namespace: ns['metadata'].name });
    const allows = (resource: string, verb: string) =>
      (role['rules'] as Obj[]).some((r) => (r['apiGroups'] as string[]).includes('') && (r['resources'] as string[]).includes(resource) && (r['verbs'] as string[]).includes(verb));
    for (const resource of ['pods', 'namespaces']) for (const verb of ['get', 'list', 'watch']) expect(allows(resource, verb), `${verb} ${resource}`).toBe(true);
    // Use_Kubelet On: the kubelet authorizes GET /pods as nodes/proxy.
    expect(allows('nodes/proxy', 'get')).toBe(true);
  });

  it('the ConfigMap holds the Container Insights files as AWS publishes them, plus Health_Check On', () => {
    const data = find('ConfigMap', 'fluent-bit-config')['data'] as Record<string, string>;
    const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'fixtures/container-insights', name), 'utf8');
    expect(Object.keys(data)).toEqual(['fluent-bit.conf', 'application-log.conf', 'dataplane-log.conf', 'host-log.conf', 'parsers.conf']);
    for (const key of Object.keys(data).slice(1)) expect(data[key], key).toBe(fixture(key));
    const added = '    Health_Check              On\n';
    expect(data['fluent-bit.conf']!.replace(added, '')).toBe(fixture('fluent-bit.conf'));
    expect(data['fluent-bit.conf']).toContain(`    HTTP_Port                 \${HTTP_PORT}\n${added}`);
    // The change is explained where it is made.
    expect(readFileSync(join(REPO_ROOT, configMapFile), 'utf8')).toMatch(/# The one change from AWS's file: 'Health_Check On'/);
  });

  it('the Fargate example is the aws-logging ConfigMap in the labelled aws-observability namespace', () => {
    const ns = find('Namespace', 'aws-observability', 'deploy/fargate/');
    expect(ns['metadata'].labels).toEqual({ 'aws-observability': 'enabled' });
    const cm = find('ConfigMap', 'aws-logging', 'deploy/fargate/');
    expect(cm['metadata'].namespace).toBe('aws-observability');
    expect(Object.keys(cm['data'])).toEqual(expect.arrayContaining(['filters.conf', 'output.conf', 'parsers.conf']));
    const plan = validateManifestFile('deploy/fargate/aws-logging-configmap.yaml', { cwd: REPO_ROOT })!.plans[0]!;
    expect(plan.outputs.map((o) => o.plugin)).toEqual(['cloudwatch_logs']);
  });
});
