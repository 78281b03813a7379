/**
 * kinesis_streams as a real process: `logferry run -c conf` (src/cli/entry.ts through tsx) tails a
 * file to the end (Exit_On_Eof) and ships it to the local endpoint while 20% of records fail.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../../../src/aws-local/index.js';
import { REPO_ROOT } from '../../../support/cli.js';
import { useTempDir } from '../../../support/temp-dir.js';
import { LOCAL_CREDENTIALS } from '../aws/use-aws-local.js';

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
      [
        '[SERVICE]',
        '    Flush 0.2',
        '    Grace 60',
        '    Log_Level info',
        '    scheduler.base 1',
        '    scheduler.cap 1',
        '',
        '[INPUT]',
        '    Name tail',
        `    Path ${log}`,
        '    Tag app',
        '    Read_from_Head On',
        '    Exit_On_Eof On',
        '',
        '[OUTPUT]',
        '    Name kinesis_streams',
        '    Match *',
        '    region us-east-1',
        '    stream e2e-stream',
        '    time_key ts',
        `    endpoint ${aws.endpoint}`,
        '    Retry_Limit no_limits',
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', conf], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...LOCAL_CREDENTIALS, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
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
