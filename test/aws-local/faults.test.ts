import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/aws-local/index.js';
import { FaultDecider } from '../../src/aws-local/faults.js';
import { rejection, useAwsLocal, type Local } from './clients.js';

async function logStream({ logs }: Local): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
}

const putLogs = ({ logs }: Local, message: string) => logs.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message }] }));
const putBatch = ({ firehose }: Local, n: number, tag = 'r') =>
  firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'd', Records: Array.from({ length: n }, (_, i) => ({ Data: Buffer.from(`${tag}${i}`) })) }));

describe('aws-local faults', () => {
  const start = useAwsLocal();

  it('parseFaults reads the command-line form and says what is wrong', () => {
    expect(parseFaults('throttle=0.3,server-error=0.1,partial=0.2,latency-ms=50')).toEqual({ throttle: 0.3, serverError: 0.1, partial: 0.2, latencyMs: 50 });
    expect(parseFaults('')).toEqual({});
    expect(parseFaults(' throttle = 1 , ')).toEqual({ throttle: 1 });
    expect(() => parseFaults('slow=1')).toThrow("unknown fault 'slow' (known: throttle, server-error, partial, latency-ms)");
    expect(() => parseFaults('throttle')).toThrow("fault 'throttle' needs the form name=value");
    expect(() => parseFaults('throttle=1.5')).toThrow('fault throttle must be a probability between 0 and 1, got 1.5');
    expect(() => parseFaults('latency-ms=-1')).toThrow('fault latency-ms must be a number of milliseconds >= 0');
    expect(() => parseFaults('partial=abc')).toThrow('fault partial must be a probability');
  });

  it('the same seed draws the same faults', () => {
    const draw = (seed: number) => {
      const d = new FaultDecider({ throttle: 0.3, serverError: 0.3, partial: 0.5 }, seed);
      return Array.from({ length: 20 }, () => [d.call().kind, d.partialFailures(4).join()]);
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('throttle: ThrottlingException (CloudWatch Logs) and ServiceUnavailableException (Firehose); nothing stored', async () => {
    const local = await start({ faults: 'throttle=1' });
    await logStream(local);
    const cw = await rejection(putLogs(local, 'x'));
    expect([cw.name, cw.$metadata?.httpStatusCode]).toEqual(['ThrottlingException', 400]);
    const fh = await rejection(putBatch(local, 2));
    expect(fh.name).toBe('ServiceUnavailableException');
    expect((await rejection(local.firehose.send(new PutRecordCommand({ DeliveryStreamName: 'd', Record: { Data: Buffer.from('x') } })))).name).toBe('ServiceUnavailableException');
    expect(local.aws.store.logEvents('g', 's')).toEqual([]);
    expect(local.aws.store.firehoseRecords('d')).toEqual([]);
    expect(local.aws.store.requests('PutLogEvents')).toBe(1);
    expect(local.aws.store.requests('CreateLogStream')).toBe(1);
  });

  it('server-error: HTTP 500 InternalFailure or 503 ServiceUnavailable; nothing stored', async () => {
    const local = await start({ faults: { serverError: 1 }, seed: 3 });
    await logStream(local);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const err = await rejection(i % 2 ? putLogs(local, 'x') : putBatch(local, 1));
      seen.add(`${err.$metadata?.httpStatusCode} ${err.name}`);
    }
    expect([...seen].sort()).toEqual(['500 InternalFailure', '503 ServiceUnavailable']);
    expect(local.aws.store.logEvents('g', 's')).toEqual([]);
    expect(local.aws.store.firehoseRecords('d')).toEqual([]);
  });

  it('partial: the failed records of PutRecordBatch are not stored, the others are, the same for the same seed', async () => {
    const run = async () => {
      const local = await start({ faults: 'partial=0.4', seed: 7 });
      const replies = [await putBatch(local, 50, 'a'), await putBatch(local, 50, 'b')];
      const expected: string[] = [];
      for (const [k, reply] of replies.entries()) {
        const failed = reply.RequestResponses!.filter((r) => r.ErrorCode).length;
        expect(reply.FailedPutCount).toBe(failed);
        reply.RequestResponses!.forEach((r, i) => {
          if (r.ErrorCode) expect([r.ErrorCode, r.ErrorMessage, r.RecordId]).toEqual(['ServiceUnavailableException', 'Slow down.', undefined]);
          else expected.push(`${k ? 'b' : 'a'}${i}`);
        });
      }
      const stored = local.aws.store.firehoseRecords('d').map((b) => b.toString());
      expect(stored).toEqual(expected);
      return stored;
    };
    const first = await run();
    expect(first.length).toBeGreaterThan(20);
    expect(first.length).toBeLessThan(90);
    expect(await run()).toEqual(first);
  });

  it('latency-ms delays data calls only; setFaults changes faults at run time', async () => {
    const local = await start({ faults: 'latency-ms=150' });
    let t = Date.now();
    await logStream(local);
    expect(Date.now() - t).toBeLessThan(150);
    t = Date.now();
    await putLogs(local, 'slow');
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    local.aws.setFaults('throttle=1');
    expect((await rejection(putLogs(local, 'x'))).name).toBe('ThrottlingException');
    local.aws.setFaults({});
    await putLogs(local, 'ok');
    expect(local.aws.store.logEvents('g', 's').map((e) => e.message)).toEqual(['slow', 'ok']);
    expect(() => local.aws.setFaults('throttle=2')).toThrow(/probability/);
  });

  it('with SDK retries every batch is stored exactly once despite throttling and 5xx', async () => {
    const local = await start({ faults: 'throttle=0.2,server-error=0.2', seed: 11 }, 10);
    await logStream(local);
    for (let i = 0; i < 5; i++) await putLogs(local, `m${i}`);
    for (let i = 0; i < 3; i++) await putBatch(local, 3, `b${i}-`);
    expect(local.aws.store.logEvents('g', 's').map((e) => e.message)).toEqual(Array.from({ length: 5 }, (_, i) => `m${i}`));
    expect(local.aws.store.firehoseRecords('d').map(String)).toEqual(['b0-0', 'b0-1', 'b0-2', 'b1-0', 'b1-1', 'b1-2', 'b2-0', 'b2-1', 'b2-2']);
    expect(local.aws.store.requests('PutLogEvents') + local.aws.store.requests('PutRecordBatch')).toBeGreaterThan(8);
  }, 20_000);
});
