/**
 * Issue 16's slowloris at full size (LOGFERRY_SOAK=1): the agent runs with `nofile` 1024, 1,100
 * connections each send one header byte every 5 s for 75 s, and a probe (1 s timeout, a new
 * connection each time) asks `/api/v1/health` every 5 s. Every probe must be answered and every
 * slow connection closed within the headers timeout. The test process itself needs more than 1,200
 * open files.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS } from '../../../src/engine/monitor/connections.js';
import { REPO_ROOT } from '../../support/cli.js';
import { probe, slowClients } from '../../support/http-clients.js';
import { useTempDir } from '../../support/temp-dir.js';

const CONNECTIONS = 1100;
const DRIBBLE_MS = 5000;
const DURATION_MS = 75_000;
const PROBE_EVERY_MS = 5000;

const tmp = useTempDir('logferry-slowloris-');

describe.runIf(process.env['LOGFERRY_SOAK'])('slowloris against an agent with nofile 1024', () => {
  it(
    'answers every health probe and closes every slow connection within the headers timeout',
    async () => {
      const config = tmp.write(
        'agent.conf',
        '[SERVICE]\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n    Health_Check On\n\n' +
          '[INPUT]\n    Name dummy\n    Tag t\n\n[OUTPUT]\n    Name null\n    Match *\n',
      );
      const child = spawn('prlimit', ['--nofile=1024:1024', process.execPath, '--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', config], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      try {
        await vi.waitFor(() => expect(stderr).toMatch(/tcp_port=(\d+)/), { timeout: 30_000, interval: 50 });
        const port = Number(/tcp_port=(\d+)/.exec(stderr)![1]);
        const limits = readFileSync(`/proc/${child.pid}/limits`, 'utf8');
        expect(limits).toMatch(/Max open files\s+1024\s+1024/);

        const slow = slowClients(port, CONNECTIONS, DRIBBLE_MS);
        const answers: { status: number; body: string }[] = [];
        try {
          for (let t = 0; t < DURATION_MS; t += PROBE_EVERY_MS) {
            await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
            answers.push(await probe(port, '/api/v1/health', 1000));
          }
        } finally {
          slow.destroy();
        }
        const shed = [...slow.lifetimes].sort((a, b) => a - b);
        console.log(
          `${answers.filter((a) => a.status === 200).length} of ${answers.length} probes answered; ` +
            `${shed.length} of ${CONNECTIONS} slow connections closed by the agent after ${shed[0]}-${shed.at(-1)} ms`,
        );
        expect(answers).toEqual(answers.map(() => ({ status: 200, body: 'ok\n' })));
        expect(shed).toHaveLength(CONNECTIONS);
        expect(shed.at(-1)).toBeLessThan(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs + DEFAULT_CONNECTION_LIMITS.checkIntervalMs + 5000);
      } finally {
        child.kill('SIGKILL');
      }
    },
    DURATION_MS + 60_000,
  );
});
