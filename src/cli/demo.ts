/**
 * `logferry demo` (what `npm start` runs): the real agent on AWS's Container Insights
 * configuration, unchanged, against local stand-ins. It writes container logs (containerd/CRI with
 * split lines and a Java stack trace, and Docker JSON) into a temporary /var/log/containers, starts
 * the local AWS endpoint and a local Kubernetes API server holding the demo pods, runs the
 * application pipeline (tail -> multiline docker, cri -> kubernetes -> cloudwatch_logs) until every
 * line is read and delivered, and tells where the events are and how to read them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAwsLocal } from '../aws-local/index.js';
import { withOptions } from '../config/plan/override.js';
import type { Plan, PlanInstance } from '../config/plan/types.js';
import { validateConfig } from '../config/validate.js';
import { formatText } from '../diagnostics/format-text.js';
import { Pipeline } from '../engine/pipeline.js';
import { readKubeObjects, startKubeLocal } from '../kube-local/index.js';
import { journalUnavailable, writeDemoJournal } from './demo-journal.js';
import { commandLine, EXIT, type CommandIo } from './io.js';

export const DEMO_USAGE = `usage: logferry demo [--keep-going]

Runs the agent on AWS's Container Insights configuration (fixtures/container-insights, unchanged,
variables set) against a local CloudWatch Logs endpoint and a local Kubernetes API server, on
container logs it writes to a temporary /var/log/containers. Prints a status line while it runs and,
at the end, where the delivered events are and how to read them. Nothing leaves 127.0.0.1.

options:
  --keep-going   keep running after the demo logs are delivered (append lines to the files to see them arrive; Ctrl-C stops)
exit status: 0 every record delivered, 1 a record was dropped or the run failed`;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENV = { AWS_REGION: 'us-east-1', CLUSTER_NAME: 'demo', HOST_NAME: 'demo-node', READ_FROM_HEAD: 'On', READ_FROM_TAIL: 'Off', HTTP_SERVER: 'Off', HTTP_PORT: '2020', CI_VERSION: 'k8s/1.3.17' };
const WEB = 'web-7d4b9c6f5-x2k8p_default_web-' + 'a'.repeat(64) + '.log';
const PLAIN = 'plain_default_app-' + 'b'.repeat(64) + '.log';
const KUBE_PROXY = 'kube-proxy-x7k2p_kube-system_kube-proxy-' + 'f'.repeat(64) + '.log';

/** Container logs as containerd (CRI) and Docker (json-file) write them. */
function writeDemoLogs(dir: string): number {
  // A minute ago: CloudWatch Logs refuses events older than 14 days (the local endpoint too).
  const base = Math.floor(Date.now() / 1000) - 60;
  const t = (s: number, ns = 0) => `${new Date((base + s) * 1000).toISOString().slice(0, 19)}.${String(ns).padStart(9, '0')}Z`;
  const cri = [
    `${t(0)} stdout F {"level":"info","msg":"GET /healthz 200","duration_ms":2}`,
    `${t(1)} stdout F {"level":"info","msg":"order 1042 paid","user":"ann"}`,
    `${t(2)} stdout P {"level":"warn","msg":"payment provider slow, `,
    `${t(2, 1)} stdout F retrying in 200ms"}`,
    `${t(3)} stderr F Exception in thread "main" java.lang.IllegalStateException: pool exhausted`,
    `${t(3, 1)} stderr F \tat com.shop.db.Pool.borrow(Pool.java:88)`,
    `${t(3, 2)} stderr F \tat com.shop.orders.OrderService.pay(OrderService.java:131)`,
    `${t(4)} stdout F {"level":"info","msg":"GET /cart 200","duration_ms":14}`,
  ];
  const docker = [
    { log: 'starting worker pool size=4\n', stream: 'stdout', time: t(5) },
    { log: '{"level":"error","msg":"cannot reach cache","retry":true}\n', stream: 'stderr', time: t(6) },
    { log: 'a very long line the daemon split ', stream: 'stdout', time: t(7) },
    { log: 'into two json-file entries\n', stream: 'stdout', time: t(7, 1) },
  ];
  writeFileSync(join(dir, WEB), cri.map((l) => `${l}\n`).join(''));
  writeFileSync(join(dir, PLAIN), docker.map((l) => `${JSON.stringify(l)}\n`).join(''));
  // The dataplane configuration tails kube-proxy and aws-node.
  writeFileSync(join(dir, KUBE_PROXY), `${t(8)} stderr F I1124 server_others.go:72] "Using iptables proxy"\n`);
  return cri.length - 1 + docker.length - 1 + 1;
}

export async function demoCommand(args: string[], io: CommandIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const parsed = commandLine('demo', DEMO_USAGE, io, { args, options: { 'keep-going': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (typeof parsed === 'number') return parsed;
  const keepGoing = parsed.values['keep-going'];
  const root = mkdtempSync(join(tmpdir(), 'logferry-demo-'));
  const containers = join(root, 'var', 'log', 'containers');
  mkdirSync(containers, { recursive: true });
  writeDemoLogs(containers);
  const noJournal = journalUnavailable();
  if (noJournal === undefined) writeDemoJournal(join(root, 'var', 'log', 'journal'), ENV.HOST_NAME);

  const configPath = join(ROOT, 'fixtures', 'container-insights', 'fluent-bit.conf');
  const validation = validateConfig(configPath, { env: ENV });
  io.stdout(`logferry demo: AWS's Container Insights configuration (${relative(io.cwd, configPath) || configPath}), variables ${Object.entries(ENV).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  if (!validation.ok) {
    io.stderr(formatText(validation.diagnostics, validation.sources, validation.files.length));
    return EXIT.problems;
  }
  const aws = await startAwsLocal({ dataDir: join(root, 'aws-local') });
  const kube = await startKubeLocal(readKubeObjects([join(ROOT, 'fixtures/kubernetes/pods')]), readKubeObjects([join(ROOT, 'fixtures/kubernetes/namespaces')]));
  // The SDK signs with these; the endpoint is local, so they never leave 127.0.0.1.
  process.env['AWS_ACCESS_KEY_ID'] = 'AKIDLOGFERRYDEMO';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'demo';
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
  // The aws filter of the host and dataplane pipelines reads instance metadata from aws-local's IMDS, not 169.254.169.254.
  process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = aws.endpoint;
  const token = join(root, 'token');
  writeFileSync(token, 'demo\n');
  const plan = demoPlan(validation.plan, root, aws.endpoint, kube.url, token, noJournal === undefined);
  io.stdout(
    `  logs       ${containers} (containerd and Docker files: split lines, a Java stack trace)\n` +
      (noJournal === undefined
        ? `  journal    ${join(root, 'var', 'log', 'journal')} (kernel, kubelet, containerd, sshd entries)\n`
        : `  journal    skipped: ${noJournal}; the host and dataplane journal inputs do not run\n`) +
      `  pipeline   ${plan.inputs.map((i) => i.displayName).join(', ')} -> ${plan.filters.map((f) => f.plugin).join(', ')} -> ${plan.outputs.map((o) => o.plugin).join(', ')}\n` +
      `  AWS        ${aws.endpoint} (local CloudWatch Logs), Kubernetes API ${kube.url} (demo pods)\n\n`,
  );

  // Tail inputs end at the end of their files (Exit_On_Eof); the journal inputs when they have read their entries.
  let reading = plan.inputs.filter((i) => i.plugin === 'tail').length;
  let finished: () => void = () => {};
  const allRead = new Promise<void>((r) => (finished = r));
  const pipeline = new Pipeline(plan, {
    logSink: (l) => {
      if (/\[ ?(error|warn)\]/.test(l)) io.stderr(l);
    },
    onDone: () => {
      if (--reading === 0) finished();
    },
  });
  const tty = (process.stdout as { isTTY?: boolean }).isTTY === true && process.env['CI'] === undefined;
  const status = () => {
    const m = pipeline.metrics();
    const sum = (part: typeof m.input, key: string) => Object.values(part).reduce((n, s) => n + (s.counters[key] ?? 0), 0);
    const dropped = Object.values({ ...m.input, ...m.output }).reduce((n, s) => n + Object.values(s.dropped).reduce((a, b) => a + b, 0), 0);
    return `records in ${sum(m.input, 'records')} · delivered ${sum(m.output, 'proc_records')} · buffered ${m.buffered_records} · dropped ${dropped}`;
  };
  let stopping = false;
  const onSignal = () => {
    stopping = true;
    finished();
  };
  signals.once('SIGINT', onSignal);
  signals.once('SIGTERM', onSignal);
  const ticker = setInterval(() => io.stdout(tty ? `\r${status()}   ` : `${status()}\n`), 1000);
  try {
    await pipeline.start();
    await allRead;
    await journalsRead(pipeline, plan.inputs.filter((i) => i.plugin === 'systemd').map((i) => i.displayName), () => stopping);
    if (keepGoing && !stopping) {
      io.stdout('all demo lines read; still following the files (Ctrl-C to stop)\n');
      await new Promise<void>((r) => {
        signals.once('SIGINT', r);
        signals.once('SIGTERM', r);
      });
    }
    await pipeline.stop();
  } finally {
    clearInterval(ticker);
    signals.removeListener('SIGINT', onSignal);
    signals.removeListener('SIGTERM', onSignal);
    await kube.close();
    await aws.close();
  }
  const final = status();
  io.stdout(`${tty ? '\r' : ''}${final}\n\n`);
  const m = pipeline.metrics();
  const delivered = Object.values(m.output).reduce((n, s) => n + (s.counters['proc_records'] ?? 0), 0);
  const accepted = Object.values(m.input).reduce((n, s) => n + (s.counters['records'] ?? 0), 0);
  // Filters may remove records on purpose (the host grep excludes some syslog facilities) or add them.
  const filtered = Object.values(m.filter).reduce((n, s) => n + (s.counters['drop_records'] ?? 0) - (s.counters['add_records'] ?? 0), 0);
  const dropped = Object.values({ ...m.input, ...m.output }).reduce((n, s) => n + Object.values(s.dropped).reduce((a, b) => a + b, 0), 0);
  const groups = aws.store.logGroups();
  for (const g of groups) {
    for (const s of aws.store.logStreams(g.name)) io.stdout(`  ${g.name}  ${s}: ${aws.store.logEvents(g.name, s).length} events\n`);
  }
  const group = groups[0]?.name ?? `/aws/containerinsights/${ENV.CLUSTER_NAME}/application`;
  io.stdout(
    `\n${accepted} record(s) read, ${filtered} filtered out by the configuration, ${delivered} delivered, ${dropped} dropped.\n` +
      `Read them:  npx logferry aws-local tail ${group} --data-dir ${join(root, 'aws-local')}\n` +
      `Run it yourself:  npx logferry validate --env CLUSTER_NAME=demo ... fixtures/container-insights/fluent-bit.conf\n`,
  );
  return dropped === 0 && delivered === accepted - filtered && delivered > 0 ? EXIT.ok : EXIT.problems;
}

/**
 * The Container Insights plan, pointed at the demo: the tail inputs on /var/log/containers read the
 * temporary folder to its end (their DBs and the storage path move there too), the kubernetes
 * filter asks the local API server, and the CloudWatch outputs send to the local endpoint. The
 * host and dataplane inputs (journal, /var/log/messages) and the filters only they use are left out.
 */
function demoPlan(plan: Plan, root: string, endpoint: string, kubeUrl: string, token: string, journal: boolean): Plan {
  const under = (p: string) => join(root, p);
  const db = (i: PlanInstance) => (typeof i.options['db'] === 'string' ? under(i.options['db']) : undefined);
  const inputs = plan.inputs.flatMap((i) => {
    if (i.plugin === 'tail' && ((i.options['path'] as string[] | undefined) ?? []).every((p) => p.startsWith('/var/log/containers/'))) {
      return [withOptions(i, { path: (i.options['path'] as string[]).map(under), exclude_path: (i.options['exclude_path'] as string[] | undefined)?.map(under), db: db(i), exit_on_eof: true })];
    }
    if (i.plugin === 'systemd' && journal) return [withOptions(i, { path: under(String(i.options['path'] ?? '/var/log/journal')), db: db(i) })];
    return [];
  });
  // The tag of a tail file is the Tag with '*' replaced by its path: the demo's paths start with the temporary root.
  const tagRoot = root.replace(/^\//, '').replace(/\//g, '.');
  const filters = plan.filters
    .filter((f) => f.supported && f.definition?.create !== undefined)
    .map((f) =>
      f.plugin === 'kubernetes'
        ? withOptions(f, {
            kube_url: kubeUrl,
            use_kubelet: false,
            kube_token_file: token,
            kube_tag_prefix: String(f.options['kube_tag_prefix'] ?? 'kube.var.log.containers.').replace(/\.var\.log\.containers\.$/, `.${tagRoot}.var.log.containers.`),
          })
        : f,
    );
  const outputs = plan.outputs.map((o) => (o.plugin === 'cloudwatch_logs' || o.plugin === 'kinesis_firehose' ? withOptions(o, { endpoint }) : o));
  return { ...plan, service: { ...plan.service, 'storage.path': plan.service['storage.path'] ? under(plan.service['storage.path']) : undefined, flush: 1000 }, inputs, filters, outputs };
}

/** Waits until every journal input has read something and nothing new came for a second. */
async function journalsRead(pipeline: Pipeline, names: readonly string[], stopping: () => boolean): Promise<void> {
  if (names.length === 0) return;
  const counts = () => names.map((n) => pipeline.metrics().input[n]?.counters['records'] ?? 0);
  let last = counts();
  let stableSince = Date.now();
  const deadline = Date.now() + 30_000;
  while (!stopping() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = counts();
    if (now.some((c, i) => c !== last[i])) {
      last = now;
      stableSince = Date.now();
    } else if (now.every((c) => c > 0) && Date.now() - stableSince >= 1000) {
      return;
    }
  }
}
