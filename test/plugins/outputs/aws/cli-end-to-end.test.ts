/**
 * The AWS outputs as real processes: `logferry run -c conf` (src/cli/entry.ts through tsx) tails a
 * file to the end (Exit_On_Eof) and ships it to the local endpoint while it injects faults.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../../../src/aws-local/index.js';
import { useTempDir } from '../../../support/temp-dir.js';
import { runAgent, tailToOutput } from './agent-run.js';

const tmp = useTempDir('logferry-aws-e2e-');
let aws: AwsLocal;

beforeEach(async () => {
  aws = await startAwsLocal({ seed: 42 });
});

afterEach(async () => {
  await aws.close();
});

/** `n` lines `line <i> ...`, about 100 bytes each. */
function lines(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`line ${i} GET /api/v1/orders user=${i % 97} status=200 latency_ms=${i % 31} cache=miss upstream ok`);
  return `${out.join('\n')}\n`;
}

describe('AWS outputs end to end (real process, local endpoint, faults)', () => {
  it('tail -> cloudwatch_logs: 100,000 lines through 30% throttling and 5xx arrive once each, in order; group and stream created once, retention set', async () => {
    const N = 100_000;
    const log = tmp.write('app.log', lines(N));
    aws.setFaults({ throttle: 0.3, serverError: 0.1 });
    const conf = tmp.write(
      'cw.conf',
      tailToOutput(aws.endpoint, log, ['    Name cloudwatch_logs', '    log_group_name e2e-group', '    log_stream_prefix node-1.', '    auto_create_group On', '    log_retention_days 14', ''].join('\n')),
    );
    const { code, stderr } = await runAgent(conf);
    expect(code, stderr).toBe(0);
    const events = aws.store.logEvents('e2e-group', 'node-1.app');
    const seq = events.map((e) => Number(/^line (\d+) /.exec((JSON.parse(e.message) as { log: string }).log)![1]));
    expect(seq.length).toBe(N);
    // Exactly once and in order: the sequence is 0..N-1 as it arrived.
    let firstBad = -1;
    for (let i = 0; i < N && firstBad < 0; i++) if (seq[i] !== i) firstBad = i;
    expect(firstBad).toBe(-1);
    expect(aws.store.logGroups().filter((g) => g.name === 'e2e-group')).toEqual([expect.objectContaining({ retentionInDays: 14 })]);
    expect(aws.store.logStreams('e2e-group')).toEqual(['node-1.app']);
    expect(aws.store.requests('CreateLogGroup')).toBe(1);
    expect(aws.store.requests('PutRetentionPolicy')).toBe(1);
    // The faults really happened (and were retried).
    expect(aws.store.requests('PutLogEvents')).toBeGreaterThan(Math.ceil(N / 10_000));
    expect(stderr).toContain('retry');
  }, 45_000);

  it('tail -> kinesis_firehose: 30,000 lines with 20% of records failing arrive once each, no duplicates; role_arn assumed at the local STS', async () => {
    const N = 30_000;
    const log = tmp.write('app.log', lines(N));
    aws.setFaults({ partial: 0.2 });
    const conf = tmp.write(
      'fh.conf',
      tailToOutput(
        aws.endpoint,
        log,
        ['    Name kinesis_firehose', '    delivery_stream e2e-stream', '    role_arn arn:aws:iam::000000000000:role/firehose', `    sts_endpoint ${aws.endpoint}`, ''].join('\n'),
      ),
    );
    const { code, stderr } = await runAgent(conf);
    expect(code, stderr).toBe(0);
    const seq = aws.store.firehoseRecords('e2e-stream').map((b) => {
      const text = b.toString();
      expect(text.endsWith('}\n')).toBe(true);
      return Number(/^line (\d+) /.exec((JSON.parse(text) as { log: string }).log)![1]);
    });
    expect(seq.length).toBe(N);
    expect(new Set(seq).size).toBe(N);
    expect(Math.min(...seq)).toBe(0);
    expect(Math.max(...seq)).toBe(N - 1);
    const roles = aws.store.assumeRoleCalls();
    expect(roles.map((r) => r.roleArn)).toEqual(['arn:aws:iam::000000000000:role/firehose']);
    // Every data call was signed with the role's credentials, not the base ones.
    const keys = new Set(aws.store.calls('PutRecordBatch').map((c) => c.accessKeyId));
    expect([...keys]).toEqual([roles[0]!.issuedAccessKeyId]);
  }, 45_000);
});
