/** Runs the kubernetes filter through the real pipeline (lib input → filter → lib output) against a KubeServer. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Counters } from '../../../../src/engine/metrics.js';
import { createLogger } from '../../../../src/engine/logger.js';
import kubernetes from '../../../../src/plugins/filters/kubernetes/index.js';
import { KubernetesFilter, type KubernetesTuning } from '../../../../src/plugins/filters/kubernetes/kubernetes-filter.js';
import { pluginArgs } from '../../../support/plugin-args.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import type { TlsFiles } from './kube-server.js';

export const tagOf = (pod: string, ns: string, container: string, id: string): string => `kube.var.log.containers.${pod}_${ns}_${container}-${id}.log`;

export interface KubeSetup {
  readonly port: number;
  readonly tls: TlsFiles | undefined;
  /** Directory for the token file. */
  readonly dir: string;
}

/** Classic config (with `parsers` as its Parsers_File): one lib input, the kubernetes filter pointed at the test server, one lib output. */
export function kubeConfig(setup: KubeSetup, extra: string, parsers = ''): string {
  const tokenFile = join(setup.dir, 'token');
  writeFileSync(tokenFile, 'token-1\n');
  const parsersFile = join(setup.dir, 'parsers.conf');
  writeFileSync(parsersFile, parsers);
  const scheme = setup.tls ? 'https' : 'http';
  const lines = [
    `[SERVICE]\n    Flush 0.05\n    Grace 2\n    Parsers_File ${parsersFile}\n`,
    '[INPUT]\n    Name lib\n    Tag  kube.unused\n',
    '[FILTER]',
    '    Name kubernetes',
    '    Match kube.*',
    `    Kube_URL ${scheme}://127.0.0.1:${setup.port}`,
    `    Kube_CA_File ${setup.tls?.cert ?? join(setup.dir, 'no-ca.pem')}`,
    `    Kube_Token_File ${tokenFile}`,
    extra,
    '',
    '[OUTPUT]\n    Name  lib\n    Match *\n',
  ];
  return lines.join('\n');
}

export interface KubeRun {
  records: Record<string, unknown>[];
  counters: Record<string, number>;
  logs: string[];
}

/** Pushes each [tag, records] in order through a fresh pipeline, stops it and returns what came out. */
export async function runKube(config: string, pushes: readonly (readonly [string, Record<string, unknown>[]])[], between?: (i: number) => Promise<void>): Promise<KubeRun> {
  const run = capture(planFrom(config));
  await run.pipeline.start();
  for (const [i, [tag, records]] of pushes.entries()) {
    run.pipeline.push(records.map((r) => ({ ...r })), { tag });
    await between?.(i);
  }
  await run.pipeline.stop();
  return { records: run.records(), counters: run.pipeline.metrics().filter['kubernetes.0']?.counters ?? {}, logs: run.logs };
}

/** The filter alone, for tests that need lower limits than the options allow (timeouts, floods). */
export function directFilter(config: string, tuning: Partial<KubernetesTuning>): { filter: KubernetesFilter; counters: Counters; logs: string[] } {
  const plan = planFrom(config);
  const logs: string[] = [];
  const counters = new Counters();
  const { options, ctx } = pluginArgs(kubernetes, plan.filters[0], plan, { log: createLogger('debug', (l) => logs.push(l), 'kubernetes.0'), counters });
  return { filter: new KubernetesFilter(options, { ...ctx, emitter: () => () => undefined }, tuning), counters, logs };
}

/** Waits until `check` holds (polling), failing after `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
