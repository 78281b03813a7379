/**
 * kinesis_streams as a real process: `logferry run -c conf` (src/cli/entry.ts through tsx) tails a
 * file to the end (Exit_On_Eof) and ships it to the local endpoint while 20% of records fail.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../../../src/aws-local/index.js';
import { useTempDir } from '../../../support/temp-dir.js';
import { runAgent, tailToOutput } from '../aws/agent-run.js';

const tmp = useTempDir('logferry-kinesis-e2e-');
let aws: AwsLocal;

beforeEach(async () => {
  aws = await startAwsLocal({ seed: 5 });
});

afterEach(async () => {
  await aws.close();
});

describe('kinesis_streams end to end (real process, local endpoint, faults)', () => {
  it('tail -> kinesis_streams: 20,000 lines with 20% of records failing arrive once each, as JSON lines with time_key', async () => {
    const N = 20_000;
    const lines = Array.from({ length: N }, (_, i) => `line ${i} GET /api/v1/orders user=${i % 97} status=200 latency_ms=${i % 31}`);
    const log = tmp.write('app.log', `${lines.join('\n')}\n`);
    aws.setFaults({ partial: 0.2 });
    const conf = tmp.write(
      'ks.conf',
      tailToOutput(aws.endpoint, log, ['    Name kinesis_streams', '    stream e2e-stream', '    time_key ts', ''].join('\n')),
    );
    const { code, stderr } = await runAgent(conf);
    expect(code, stderr).toBe(0);
    const records = aws.store.kinesisRecords('e2e-stream');
    const seq = records.map((r) => {
      const text = r.data.toString();
      expect(text).toMatch(/^\{"log":"line \d+ .*","ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"\}\n$/);
      return Number(/^\{"log":"line (\d+) /.exec(text)![1]);
    });
    expect(seq.length).toBe(N);
    expect(new Set(seq).size).toBe(N);
    expect(Math.min(...seq)).toBe(0);
    expect(Math.max(...seq)).toBe(N - 1);
    for (const r of records) expect(r.partitionKey).toMatch(/^[0-9A-Za-z]{10}\d{1,8}$/);
    // The faults really happened and were retried.
    expect(aws.store.requests('PutRecords')).toBeGreaterThan(Math.ceil(N / 500));
  }, 45_000);
});
