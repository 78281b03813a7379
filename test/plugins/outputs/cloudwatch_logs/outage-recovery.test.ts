/**
 * cloudwatch_logs through an endpoint outage (issue 16): a later chunk of a log stream waits for
 * the earlier one without using up attempts or backing off, so once the endpoint is back the whole
 * backlog goes out at once, with Retry_Limit above 1 and with no_limits. Real process tailing a
 * file that is being written, the local endpoint failing every data call for a while.
 */
import { appendFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../../../src/aws-local/index.js';
import { useTempDir } from '../../../support/temp-dir.js';
import { startAgent } from '../aws/agent-run.js';

const tmp = useTempDir('logferry-cw-outage-');
let aws: AwsLocal;

beforeEach(async () => {
  aws = await startAwsLocal({ seed: 7 });
});

afterEach(async () => {
  await aws.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Line numbers of a group's stream `s`, in arrival order. */
function delivered(group: string): number[] {
  return aws.store.logEvents(group, 's').map((e) => Number(/^line (\d+) /.exec((JSON.parse(e.message) as { log: string }).log)![1]));
}

/** The agent's /api/v1/metrics output counters. */
async function outputCounters(stderr: () => string): Promise<Record<string, Record<string, number>>> {
  const port = /tcp_port=(\d+)/.exec(stderr())?.[1];
  expect(port, stderr()).toBeDefined();
  const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/metrics`)).json()) as { output: Record<string, Record<string, number>> };
  return body.output;
}

describe('cloudwatch_logs after an endpoint outage', () => {
  it('delivers the backlog within 20 s of recovery, once each and in order, with Retry_Limit 5 and no_limits; waits are no retries', async () => {
    const log = tmp.write('app.log', '');
    const output = (group: string, retryLimit: string) =>
      [
        '[OUTPUT]',
        '    Name cloudwatch_logs',
        '    Match app',
        '    region us-east-1',
        `    endpoint ${aws.endpoint}`,
        `    log_group_name ${group}`,
        '    log_stream_name s',
        '    auto_create_group On',
        // One request per attempt, so that failed requests and counted retries can be compared.
        '    auto_retry_requests false',
        `    Retry_Limit ${retryLimit}`,
      ].join('\n');
    const conf = tmp.write(
      'cw.conf',
      [
        '[SERVICE]',
        '    Flush 0.2',
        '    Grace 10',
        '    Log_Level info',
        '    HTTP_Server On',
        '    HTTP_Listen 127.0.0.1',
        '    HTTP_Port 0',
        // Backoff of attempt n: 1 to 2^n seconds, plus one (scheduler.cap stays 2,000 s).
        '    scheduler.base 1',
        '',
        '[INPUT]',
        '    Name tail',
        `    Path ${log}`,
        '    Tag app',
        '    Read_from_Head On',
        '',
        output('cw-limit', '5'),
        '',
        output('cw-nolimit', 'no_limits'),
        '',
      ].join('\n'),
    );
    const agent = startAgent(conf);
    try {
      while (!/\bstarted: /.test(agent.stderr()) && agent.child.exitCode === null) await sleep(50);
      // 600 lines a second for 6 s; every data call fails from 1 s to 4 s.
      const N = 3600;
      let written = 0;
      let requestsBefore: number | undefined;
      let failedRequests = 0;
      let recoveredAt = 0;
      const start = Date.now();
      while (written < N) {
        const t = Date.now() - start;
        const due = Math.min(N, Math.floor((t / 1000) * 600));
        let text = '';
        for (; written < due; written++) text += `line ${written} GET /api/v1/orders user=${written % 97} status=200\n`;
        if (text !== '') appendFileSync(log, text);
        if (t >= 1000 && requestsBefore === undefined) {
          aws.setFaults({ serverError: 1 });
          // The fault is decided when a request arrives: those counted from here on fail.
          requestsBefore = aws.store.requests('PutLogEvents');
        }
        if (t >= 4000 && recoveredAt === 0) {
          aws.setFaults({});
          failedRequests = aws.store.requests('PutLogEvents') - requestsBefore!;
          recoveredAt = Date.now();
        }
        await sleep(50);
      }
      expect(failedRequests, 'the outage failed some PutLogEvents').toBeGreaterThan(0);
      while (Date.now() - recoveredAt < 20_000 && (delivered('cw-limit').length < N || delivered('cw-nolimit').length < N)) await sleep(200);
      const all = Array.from({ length: N }, (_, i) => i);
      // Once each, in order, nothing lost, for both Retry_Limit settings.
      expect(delivered('cw-limit')).toEqual(all);
      expect(delivered('cw-nolimit')).toEqual(all);
      const out = await outputCounters(agent.stderr);
      const counters = [out['cloudwatch_logs.0']!, out['cloudwatch_logs.1']!];
      // Only attempts that failed count as retries, not the waits for an earlier chunk.
      expect(counters.reduce((sum, c) => sum + (c['retries'] ?? 0), 0)).toBe(failedRequests);
      for (const c of counters) {
        expect(c['retries_failed'] ?? 0).toBe(0);
        expect(c['dropped_records'] ?? 0).toBe(0);
        expect(c['proc_records']).toBe(N);
      }
      expect(agent.stderr()).not.toContain('waiting for an earlier chunk');
    } finally {
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
    }
  }, 60_000);
});
