import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

describe('logferry demo (npm start)', () => {
  it('runs the whole Container Insights set (application, dataplane, host) against local AWS, Kubernetes and IMDS: every record delivered, 0 dropped', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'demo'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, out + err).toBe(0);
    // 11 container lines read as 11 records; with journal tools, 9 journal records (the 5 entries as
    // the four host and dataplane inputs select them), of which the host grep removes the sshd one.
    const journal = !/journal {4}skipped/.test(out);
    const read = journal ? 20 : 11;
    const delivered = journal ? 19 : 11;
    expect(out).toMatch(new RegExp(`^records in ${read} · delivered ${delivered} · buffered 0 · dropped 0$`, 'm'));
    expect(out).toContain(`\n${read} record(s) read, ${read - delivered} filtered out by the configuration, ${delivered} delivered, 0 dropped.\n`);
    if (journal) {
      expect(out).toMatch(/\/aws\/containerinsights\/demo\/host {2}demo-node\.host\.messages: 4 events/);
      expect(out).toMatch(/\/aws\/containerinsights\/demo\/dataplane {2}demo-node-dataplane\.systemd\.kubelet\.service: 1 events/);
    }
    expect(err).not.toMatch(/\[ ?(error|warn)\]/);
    // The events are where the summary says, and carry what the Container Insights pipeline adds.
    const dataDir = /--data-dir (\S+)/.exec(out)?.[1];
    expect(dataDir).toBeDefined();
    const dir = join(dataDir!, 'cloudwatch', encodeURIComponent('/aws/containerinsights/demo/application'));
    const web = readFileSync(join(dir, `${encodeURIComponent(/ {2}\/aws\/containerinsights\/demo\/application {2}(\S*web-7d4b9c6f5\S*):/.exec(out)![1]!)}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse((JSON.parse(l) as { message: string }).message) as Record<string, unknown>);
    expect(web).toHaveLength(7);
    expect(web[0]).toMatchObject({ stream: 'stdout', log_processed: { msg: 'GET /healthz 200' }, kubernetes: { pod_name: 'web-7d4b9c6f5-x2k8p', namespace_name: 'default', container_image: 'nginx:1.25.3' } });
    // The line containerd split in two arrives as one record.
    expect(web[2]).toMatchObject({ log_processed: { msg: 'payment provider slow, retrying in 200ms' } });
    rmSync(dirname(dataDir!), { recursive: true, force: true });
  }, 60_000);
});
