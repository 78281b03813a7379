/**
 * The forward input in the engine: with a small Mem_Buf_Limit and a slow output the engine pauses
 * it (it stops reading, the sender waits) and resumes it; every record a client sent arrives, in
 * order, and nothing is dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { capture, planFrom } from '../../support/pipeline.js';
import { FluentdClient, arr, eventTime, p } from './wire.js';
import { createServer } from 'node:net';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('forward input in the pipeline', () => {
  it('Mem_Buf_Limit pauses and resumes it; every record sent arrives once, in order', async () => {
    const port = await freePort();
    const run = capture(
      planFrom(`[SERVICE]\n    Flush 0.05\n    Log_Level info\n\n[INPUT]\n    Name forward\n    Listen 127.0.0.1\n    Port ${port}\n    Mem_Buf_Limit 20k\n\n[OUTPUT]\n    Name lib\n    Match *\n`),
      { receiver: () => new Promise((r) => setTimeout(r, 20)) },
    );
    await run.pipeline.start();
    stops.push(() => run.pipeline.stop());
    const client = await FluentdClient.connect({ port });
    stops.push(async () => void client.socket.destroy());
    const N = 40;
    for (let n = 0; n < N; n++) {
      const entries = Array.from({ length: 25 }, (_, k) => arr(eventTime(1_700_000_000 + n, k), p({ n, k, pad: 'x'.repeat(40) })));
      await client.send(arr(p('bp.tag'), arr(...entries)));
    }
    const total = N * 25;
    while (run.records().length < total) await new Promise((r) => setTimeout(r, 20));
    expect(run.logs.join('')).toMatch(/mem buf overlimit/);
    expect(run.records()).toEqual(Array.from({ length: N }, (_, n) => Array.from({ length: 25 }, (_, k) => ({ n, k, pad: 'x'.repeat(40) }))).flat());
  });
});
