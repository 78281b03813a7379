import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, type InputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIREHOSE_LIMITS, MAX_BODY_BYTES, PUT_LOG_EVENTS_LIMITS } from '../../src/aws-local/index.js';
import { rejection, useAwsLocal } from './clients.js';

const L = PUT_LOG_EVENTS_LIMITS;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What AWS answers to a PutLogEvents batch (checked in this order), or the events it keeps. */
function expectedPut(events: InputLogEvent[], now: number): { error: RegExp } | { kept: InputLogEvent[]; rejected?: Record<string, number> } {
  if (events.length === 0) return { error: /length greater than or equal to 1/ };
  const sizes = events.map((e) => Buffer.byteLength(e.message!, 'utf8') + L.eventOverheadBytes);
  if (sizes.some((s) => s > L.maxEventBytes)) return { error: /^Log event too large/ };
  if (sizes.reduce((a, b) => a + b, 0) > L.maxBatchBytes) return { error: /^Upload too large/ };
  if (events.some((e, i) => i > 0 && e.timestamp! < events[i - 1]!.timestamp!)) return { error: /chronological order/ };
  if (events.at(-1)!.timestamp! - events[0]!.timestamp! > L.maxSpanMs) return { error: /cannot span more than 24 hours/ };
  const old = events.filter((e) => e.timestamp! < now - L.maxAgeMs).length;
  const fresh = events.filter((e) => e.timestamp! <= now + L.maxFutureMs).length;
  const rejected: Record<string, number> = {};
  if (old > 0) rejected.tooOldLogEventEndIndex = old;
  if (fresh < events.length) rejected.tooNewLogEventStartIndex = fresh;
  return Object.keys(rejected).length > 0 ? { kept: events.slice(old, Math.max(old, fresh)), rejected } : { kept: events };
}

/** A message of about the largest size (n UTF-8 bytes, some just over the limit). */
const bigMessage = fc.integer({ min: 200_000, max: L.maxEventBytes - L.eventOverheadBytes + 2 }).map((n) => 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2));
const message = fc.oneof({ weight: 20, arbitrary: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }) }, { weight: 1, arbitrary: bigMessage });
const offset = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 60 * MINUTE }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 25 * HOUR }) });

/** Batches around now, 14 days ago and 2 h ahead, mostly in order, some spanning more than a day. */
const batch = fc.record({
  base: fc.constantFrom(-14 * 24 * HOUR - 30 * MINUTE, -2 * HOUR, 0, 2 * HOUR - 30 * MINUTE),
  events: fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.record({ offset, message }), { maxLength: 12 }) },
    // a few events of the largest size: around the 1 MiB batch limit
    { weight: 1, arbitrary: fc.array(fc.record({ offset, message: bigMessage }), { minLength: 3, maxLength: 6 }) },
  ),
  /** Most batches are sorted as a client would send them. */
  sorted: fc.integer({ min: 0, max: 4 }).map((x) => x > 0),
});

describe('aws-local batches (property)', () => {
  const start = useAwsLocal();

  it('a PutLogEvents batch is either stored whole, in order (less the events AWS rejects as too old/new) or refused with the right error', async () => {
    const { logs, aws } = await start();
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
    const stored: string[] = [];
    await fc.assert(
      fc.asyncProperty(batch, async ({ base, events: generated, sorted }) => {
        const now = Date.now();
        const events = generated.map((e) => ({ timestamp: now + base + e.offset, message: e.message }));
        if (sorted) events.sort((a, b) => a.timestamp - b.timestamp);
        // keep clear of the too old / too new boundaries, which move while the call runs
        fc.pre(events.every((e) => Math.abs(e.timestamp - (now - L.maxAgeMs)) > 10_000 && Math.abs(e.timestamp - (now + L.maxFutureMs)) > 10_000));
        const expected = expectedPut(events, now);
        const put = logs.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: events }));
        if ('error' in expected) {
          const err = await rejection(put);
          expect(err.name).toBe('InvalidParameterException');
          expect(err.message).toMatch(expected.error);
        } else {
          const reply = await put;
          expect(reply.rejectedLogEventsInfo).toEqual(expected.rejected);
          stored.push(...expected.kept.map((e) => e.message!));
        }
        expect(aws.store.logEvents('g', 's').map((e) => e.message)).toEqual(stored);
      }),
      { numRuns: 60 },
    );
  }, 30_000);

  it('a PutRecordBatch batch is refused whole by the limits, else exactly the records answered with a RecordId are stored, in order', async () => {
    const F = FIREHOSE_LIMITS;
    const { firehose, aws } = await start({ faults: 'partial=0.3', seed: 99 });
    const size = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: F.maxRecordBytes - 200_000, max: F.maxRecordBytes + 1 }) });
    const count = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: F.maxRecords - 1, max: F.maxRecords + 1 }) });
    const stored: Buffer[] = [];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(count.chain((c) => fc.array(size, { minLength: c, maxLength: c })), async (sizes) => {
        const records = sizes.map((s) => Buffer.alloc(s, `${n++ % 10}`));
        const total = records.reduce((a, r) => a + r.length, 0);
        // The JSON body carries each record in base64 plus ~20 bytes of punctuation: a body over
        // the endpoint's limit is refused before it is read (keep clear of the exact boundary).
        const bodyBytes = records.reduce((a, r) => a + 4 * Math.ceil(r.length / 3), 0);
        fc.pre(Math.abs(bodyBytes - MAX_BODY_BYTES) > 64 * 1024);
        const put = firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'd', Records: records.map((Data) => ({ Data })) }));
        if (bodyBytes > MAX_BODY_BYTES) {
          const err = await rejection(put);
          expect([err.name, err.$metadata?.httpStatusCode]).toEqual(['SerializationException', 413]);
        } else if (records.length === 0 || records.length > F.maxRecords || records.some((r) => r.length > F.maxRecordBytes)) {
          expect((await rejection(put)).name).toBe('ValidationException');
        } else if (total > F.maxBatchBytes) {
          expect((await rejection(put)).name).toBe('InvalidArgumentException');
        } else {
          const reply = await put;
          const ok = reply.RequestResponses!.map((r) => r.RecordId !== undefined);
          expect(reply.FailedPutCount).toBe(ok.filter((x) => !x).length);
          stored.push(...records.filter((_, i) => ok[i]));
        }
        const now = aws.store.firehoseRecords('d');
        expect(now.length).toBe(stored.length);
        expect(now.every((r, i) => r.equals(stored[i]!))).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 30_000);
});
