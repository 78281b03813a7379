/**
 * bin/logferry.js, the package's command, as a user's shell starts it: a copy next to a stand-in
 * dist/cli/main.js (the build output is not in the repository) that creates a real AWS SDK client,
 * the way every AWS output does at start.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
/** process.execve: Node 22.15+, 23.11+. */
const CAN_EXECVE = typeof (process as { execve?: unknown }).execve === 'function';

function copyBin(root: string): void {
  for (const file of ['logferry.js', 'node-settings.js']) copyFileSync(join(REPO_ROOT, 'bin', file), join(root, 'bin', file));
}

describe('bin/logferry.js', () => {
  const dir = useTempDir('logferry-bin-');

  it('leaves the AWS SDK’s Node.js version warning on: shown on Node 20, never on 22+', () => {
    mkdirSync(join(dir.path, 'bin'));
    copyBin(dir.path);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir.path, 'node_modules'), 'dir');
    dir.write(
      'dist/cli/main.js',
      [
        "import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';",
        'export async function main() {',
        "  new CloudWatchLogsClient({ region: 'us-east-1' });",
        '  return 0;',
        '}',
      ].join('\n'),
    );
    const env = { ...process.env };
    delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    delete env['NODE_NO_WARNINGS'];
    const run = spawnSync(process.execPath, [join(dir.path, 'bin', 'logferry.js')], { env, encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr.includes('NodeVersionSupportWarning'), run.stderr).toBe(NODE_MAJOR < 22);
  });

  it('runs the bundle the build writes (dist/bundle/main.mjs) when there is one, else dist/cli/main.js', () => {
    mkdirSync(join(dir.path, 'bin'), { recursive: true });
    copyBin(dir.path);
    dir.write('dist/cli/main.js', "export async function main() { process.stdout.write('cli'); return 0; }");
    const ran = () => spawnSync(process.execPath, [join(dir.path, 'bin', 'logferry.js'), '--version'], { encoding: 'utf8', timeout: 20_000 }).stdout;
    expect(ran()).toBe('cli');
    dir.write('dist/bundle/main.mjs', "export async function main() { process.stdout.write('bundle'); return 0; }");
    expect(ran()).toBe('bundle');
  });

  describe('Node settings of the agent', () => {
    /** Runs bin/logferry.js with a stand-in main that prints what the process was started with. */
    function startedWith(args: string[], env: NodeJS.ProcessEnv = {}): { pid: number; spawned: number; execArgv: string[]; arena?: string; mmap?: string; restarted?: string } {
      mkdirSync(join(dir.path, 'bin'), { recursive: true });
      copyBin(dir.path);
      dir.write(
        'dist/cli/main.js',
        'export async function main() { process.stdout.write(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, arena: process.env.MALLOC_ARENA_MAX, mmap: process.env.MALLOC_MMAP_THRESHOLD_, restarted: process.env.LOGFERRY_NODE_SETTINGS })); return 0; }',
      );
      const base = { ...process.env };
      for (const k of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'LOGFERRY_NODE_SETTINGS']) delete base[k];
      const run = spawnSync(process.execPath, [join(dir.path, 'bin', 'logferry.js'), ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 20_000 });
      expect(run.status, run.stderr).toBe(0);
      return { ...JSON.parse(run.stdout), spawned: run.pid };
    }

    it.skipIf(!CAN_EXECVE)('the agent runs in the same process with a small young generation and glibc’s memory settings', () => {
      for (const args of [['run', '-c', 'x.conf'], ['-c', 'x.conf'], ['demo']]) {
        const got = startedWith(args);
        expect(got.pid, args.join(' ')).toBe(got.spawned);
        expect(got.execArgv, args.join(' ')).toContain('--max-semi-space-size=4');
        expect([got.arena, got.mmap], args.join(' ')).toEqual(['2', undefined]);
      }
    });

    it('other commands, LOGFERRY_NODE_SETTINGS=off and older Node run as started', () => {
      const cases: [string[], NodeJS.ProcessEnv][] = [[['validate', 'x.conf'], {}], [['--version'], {}], [['run'], { LOGFERRY_NODE_SETTINGS: 'off' }]];
      if (!CAN_EXECVE) cases.push([['run'], {}]);
      for (const [args, env] of cases) {
        const got = startedWith(args, env);
        expect(got.execArgv, args.join(' ')).toEqual([]);
        expect(got.arena, args.join(' ')).toBeUndefined();
      }
    });

    it.skipIf(!CAN_EXECVE)('what the user set wins: a semi-space size in NODE_OPTIONS, malloc variables in the environment', () => {
      const got = startedWith(['run'], { NODE_OPTIONS: '--max-semi-space-size=16', MALLOC_ARENA_MAX: '4' });
      expect(got.execArgv.some((a) => a.startsWith('--max-semi-space-size'))).toBe(false);
      expect([got.arena, got.mmap]).toEqual(['4', undefined]);
    });

    /**
     * The old generation's largest size (MB) after V8's first full collection (before it, V8's
     * initial limit applies) while a stand-in main keeps 100,000 objects alive and promotes
     * 3,000,000 short-lived ones (each stays alive over two young collections): how much garbage
     * V8 lets pile up before the next full collection.
     */
    function oldGenerationPeakMb(nodeFlags: string[], args: string[]): { peakMb: number; full: number } {
      mkdirSync(join(dir.path, 'bin'), { recursive: true });
      copyBin(dir.path);
      dir.write(
        'dist/cli/main.js',
        [
          "import v8 from 'node:v8';",
          "import { PerformanceObserver } from 'node:perf_hooks';",
          "const oldUsed = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;",
          'export async function main() {',
          '  let full = 0;',
          '  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.detail.kind === 2 || e.detail.kind === 4) full++; }).observe({ entryTypes: ["gc"] });',
          '  const live = []; for (let i = 0; i < 100_000; i++) live.push({ i, s: `x${i}` });',
          '  const ring = new Array(150_000); let max = 0;',
          '  for (let i = 0; i < 3_000_000; i++) {',
          '    ring[i % ring.length] = { i, s: `y${i}` };',
          '    if (i % 5000 === 0 && full > 0) max = Math.max(max, oldUsed());',
          '    if (i % 100_000 === 0) await new Promise((resolve) => setImmediate(resolve));',
          '  }',
          '  process.stdout.write(JSON.stringify({ peakMb: max / 1e6, full }));',
          '  return live.length > 0 ? 0 : 1;',
          '}',
        ].join('\n'),
      );
      const base = { ...process.env };
      for (const k of ['NODE_OPTIONS', 'LOGFERRY_NODE_SETTINGS']) delete base[k];
      const run = spawnSync(process.execPath, [...nodeFlags, join(dir.path, 'bin', 'logferry.js'), ...args], { env: base, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { peakMb: number; full: number };
    }

    it('the agent collects its old generation before it grows by half (V8 alone lets it grow up to 4x)', () => {
      // ~20 MB live: 42-58 MB with the setting (Node 20 and 24), 88-128 without it or with 300 %.
      const agent = oldGenerationPeakMb([], ['run', '-c', 'x.conf']);
      expect(agent.full).toBeGreaterThan(1);
      expect(agent.peakMb).toBeLessThan(75);
      // Node's command line wins.
      expect(oldGenerationPeakMb(['--heap-growing-percent=300'], ['run', '-c', 'x.conf']).peakMb).toBeGreaterThan(85);
    });

    it.skipIf(!CAN_EXECVE)('with both already set, Node is not started a second time', () => {
      const got = startedWith(['run'], { NODE_OPTIONS: '--max-semi-space-size=2', MALLOC_ARENA_MAX: '2' });
      expect(got.restarted).toBeUndefined();
      expect(got.arena).toBe('2');
      // Only the semi-space size set: Node starts again for glibc's setting.
      expect(startedWith(['run'], { NODE_OPTIONS: '--max-semi-space-size=2' }).restarted).toBe('applied');
    });
  });
});
