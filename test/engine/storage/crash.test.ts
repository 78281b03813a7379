/**
 * Crash tests with real processes: `logferry run` tails a file into an HTTP sink that fails half
 * of the requests, and is killed with SIGKILL at random points, then restarted. At the end the
 * sink must hold every line at least once. Size: LOGFERRY_CRASH_LINES (default 200,000).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../../../src/aws-local/faults.js';
import { startAgent } from '../../support/agent.js';
import { lineSink } from '../../support/line-sink.js';

const LINES = Number(process.env['LOGFERRY_CRASH_LINES'] ?? 200_000);
const KILLS = Number(process.env['LOGFERRY_CRASH_KILLS'] ?? 4);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function crashRun(storage: 'filesystem' | 'memory', seed: number): Promise<{ lost: number; duplicates: number; refused: number; midFlowKills: number }> {
  const random = prng(seed);
  const dir = mkdtempSync(join(tmpdir(), `logferry-crash-${storage}-`));
  dirs.push(dir);
  // The application writes while the agent runs and dies: 2,000 lines every 25 ms.
  const log = join(dir, 'app.log');
  writeFileSync(log, '');
  let written = 0;
  const writer = setInterval(() => {
    let text = '';
    const end = Math.min(LINES, written + 2000);
    for (; written < end; written++) text += `line ${written} ${'x'.repeat(written % 40)}\n`;
    appendFileSync(log, text);
    if (written >= LINES) clearInterval(writer);
  }, 25);
  let midFlowKills = 0;
  // The sink fails every other request, the first one included.
  const sink = await lineSink(LINES, (s) => (s.accepted + s.refused) % 2 === 0);
  const conf = join(dir, 'fluent-bit.conf');
  writeFileSync(
    conf,
    `[SERVICE]
    Flush          0.2
    Grace          1
    Log_Level      info
    scheduler.base 1
    scheduler.cap  1
    ${storage === 'filesystem' ? `storage.path   ${join(dir, 'storage')}` : ''}

[INPUT]
    Name             tail
    Path             ${log}
    DB               ${join(dir, 'tail.db')}
    Read_from_Head   On
    Refresh_Interval 1
    storage.type     ${storage}

[OUTPUT]
    Name        http
    Match       *
    Host        127.0.0.1
    Port        ${sink.port}
    Format      json_lines
    Retry_Limit no_limits
`,
  );
  try {
    for (let k = 0; k < KILLS; k++) {
      const agent = startAgent(conf);
      await agent.started;
      await new Promise((r) => setTimeout(r, 200 + Math.floor(random() * 1500)));
      if (sink.seen.some((c) => c === 0)) midFlowKills++;
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
    const last = startAgent(conf);
    await last.started;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && sink.seen.some((c) => c === 0)) await new Promise((r) => setTimeout(r, 200));
    last.child.kill('SIGTERM');
    expect(await last.exited, last.stderr()).toBe(0);
  } finally {
    clearInterval(writer);
    await sink.close();
  }
  let lost = 0;
  let duplicates = 0;
  for (const c of sink.seen) {
    if (c === 0) lost++;
    else duplicates += c - 1;
  }
  console.log(JSON.stringify({ crash: storage, lines: LINES, kills: KILLS, mid_flow_kills: midFlowKills, lost, duplicates, refused_requests: sink.refused, accepted_requests: sink.accepted }));
  return { lost, duplicates, refused: sink.refused, midFlowKills };
}

describe('crash safety (kill -9 with a sink failing half the requests)', () => {
  it('filesystem storage: every line arrives at least once', async () => {
    const r = await crashRun('filesystem', 7);
    expect(r.lost).toBe(0);
    expect(r.refused).toBeGreaterThan(0);
    expect(r.midFlowKills).toBeGreaterThanOrEqual(Math.ceil(KILLS / 2));
  }, 180_000);

  it('memory storage: nothing acknowledged is lost (positions commit only after delivery)', async () => {
    const r = await crashRun('memory', 11);
    expect(r.lost).toBe(0);
    expect(r.refused).toBeGreaterThan(0);
    expect(r.midFlowKills).toBeGreaterThanOrEqual(Math.ceil(KILLS / 2));
  }, 180_000);
});
