/**
 * Real `logferry run` processes against a storage.path in a bad state: a FIFO named like a chunk
 * file (start must not block), a directory made immutable while chunks are in flight (a delivered
 * chunk must not be sent again at the next start).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../support/agent.js';
import { canFreezeDirs, freezeDir } from '../../support/frozen-dir.js';
import { lineSink } from '../../support/line-sink.js';
import { useTempDir } from '../../support/temp-dir.js';

const tmp = useTempDir('logferry-storage-faults-');
const agents: Agent[] = [];
const thaws: (() => void)[] = [];
// Runs before the temporary directory is removed (after-hooks run last registered first).
afterEach(() => {
  // A hung agent (the bug) is killed so the suite ends.
  for (const a of agents.splice(0)) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  for (const thaw of thaws.splice(0)) thaw();
});

function run(conf: string): Agent {
  const agent = startAgent(conf);
  agents.push(agent);
  return agent;
}

async function until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agent with a storage.path in a bad state', () => {
  it('a FIFO named *.flb is skipped with a warning: start goes on, the monitor answers, SIGTERM stops it', async () => {
    const stream = join(tmp.path, 'storage', 'dummy.0');
    mkdirSync(stream, { recursive: true });
    const fifo = join(stream, '0000000000001-1-1.flb');
    execFileSync('mkfifo', [fifo]);
    const conf = tmp.write(
      'fluent-bit.conf',
      `[SERVICE]\n    Flush 0.2\n    Grace 1\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n    Health_Check On\n    storage.path ${join(tmp.path, 'storage')}\n` +
        `[INPUT]\n    Name dummy\n    storage.type filesystem\n[OUTPUT]\n    Name null\n    Match *\n`,
    );
    const agent = run(conf);
    const port = Number((await agent.logged(/tcp_port=(\d+)/))[1]);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(agent.stderr()).toMatch(/\[ warn\] \[storage_backlog\.0\] .*0000000000001-1-1\.flb: not a regular file \(a FIFO\): skipped, left in place/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited, agent.stderr()).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  }, 30_000);

  it.skipIf(!canFreezeDirs)('a chunk delivered after its directory became immutable is not sent again at the next start', async () => {
    const LINES = 2000;
    const log = tmp.write('app.log', Array.from({ length: LINES }, (_, i) => `line ${i}\n`).join(''));
    let accepting = false;
    const sink = await lineSink(LINES, () => !accepting);
    const storage = join(tmp.path, 'storage');
    const conf = tmp.write(
      'fluent-bit.conf',
      `[SERVICE]\n    Flush 0.2\n    Grace 2\n    scheduler.base 1\n    scheduler.cap 1\n    storage.path ${storage}\n` +
        `[INPUT]\n    Name tail\n    Path ${log}\n    DB ${join(tmp.path, 'tail.db')}\n    Read_from_Head On\n    storage.type filesystem\n` +
        `[OUTPUT]\n    Name http\n    Match *\n    Host 127.0.0.1\n    Port ${sink.port}\n    Format json_lines\n    Retry_Limit no_limits\n`,
    );
    try {
      const first = run(conf);
      await first.started;
      // The chunk is on disk and refused once: make its directory immutable, then let it through.
      await until(() => sink.refused > 0, 'a refused request');
      const chunks = join(storage, 'tail.0');
      expect(readdirSync(chunks).length).toBeGreaterThan(0);
      thaws.push(freezeDir(chunks));
      accepting = true;
      await until(() => sink.seen.every((c) => c > 0), 'every line delivered');
      await until(() => first.stderr().includes('cannot remove'), 'the failed removal logged');
      expect(first.stderr()).toMatch(/cannot remove delivered chunk file .*\.flb: (EPERM|EACCES) \(.*emptied it, so that it is not sent again after a restart/);
      expect(first.stderr()).not.toMatch(/ENOTDIR|scandir/);
      first.child.kill('SIGTERM');
      expect(await first.exited, first.stderr()).toBe(0);

      // Still immutable: the next start finds the emptied file and sends nothing again.
      const second = run(conf);
      await second.started;
      second.child.kill('SIGTERM');
      expect(await second.exited, second.stderr()).toBe(0);
      expect(second.stderr()).not.toMatch(/left by a previous run/);
      const duplicates = sink.seen.reduce((n, c) => n + Math.max(0, c - 1), 0);
      expect(duplicates).toBe(0);
    } finally {
      await sink.close();
    }
  }, 60_000);
});
