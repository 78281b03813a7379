import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, runAgent } from '../../src/bench/agent-run.js';
import { nodeFloorCommand } from '../../src/bench/node-floor.js';
import { useTempDir } from '../support/temp-dir.js';

// rss-steady's Node floor is measured as the agents are: it must do the scenario's work at its rate
// and answer the bench's metrics, or its figures would be those of an idle Node.
describe("rss-steady's Node floor", () => {
  const tmp = useTempDir('logferry-node-floor-');

  it('writes Rate x Copies records a second from the scenario config, answers /api/v1/metrics, and stops on SIGTERM', async () => {
    const port = await freePort();
    const config = join(tmp.path, 'floor.conf');
    const dummy = JSON.stringify({ log: 'a line', stream: 'stdout' });
    writeFileSync(config, `[SERVICE]\n    Flush 1\n    HTTP_Server On\n    HTTP_Port ${port}\n\n[INPUT]\n    Name dummy\n    Rate 100\n    Copies 10\n    Dummy ${dummy}\n\n[OUTPUT]\n    Name null\n    Match *\n`);
    const run = await runAgent(nodeFloorCommand(process.execPath), config, { port, stopAfterMs: 3000, settleMs: 1000, pollMs: 250 });
    expect(run.stderr).toContain('[node floor] stopped');
    expect(run.code).toBe(0);
    expect(run.polls).toBeGreaterThan(3);
    // 1,000 records a second for about 3 s (timers are late under load, never early).
    expect(run.output_records).toBeGreaterThan(1000);
    expect(run.output_records).toBeLessThanOrEqual(3600);
    expect(run.input_records).toBe(run.output_records);
    expect(run.rss_mb).toBeGreaterThan(0);
  }, 30_000);

  it('fails with the setting it misses instead of measuring an idle program', async () => {
    const config = join(tmp.path, 'bad.conf');
    writeFileSync(config, `[SERVICE]\n    HTTP_Port 1\n\n[INPUT]\n    Name dummy\n    Copies 1\n`);
    const run = await runAgent(nodeFloorCommand(process.execPath), config, { stopAfterMs: 5000 });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('node floor: no Rate in the configuration');
  }, 30_000);
});
