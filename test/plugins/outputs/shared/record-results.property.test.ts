/**
 * A batch answer's per-record results are read only when it may hold a failure: `noneFailed`
 * must never say "none failed" of an answer in which some record failed, whatever its strings hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noneFailed, zeroCountKey } from '../../../../src/plugins/outputs/shared/record-results.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 150);
const FIREHOSE = zeroCountKey('FailedPutCount');
const KINESIS = zeroCountKey('FailedRecordCount');

/** Strings that may imitate the count key. */
const tricky = fc.oneof(fc.constantFrom('"FailedPutCount":0,', '"FailedRecordCount":0}', 'FailedPutCount', ':0', '\\"'), fc.string());
const result = fc.record({ RecordId: tricky, ErrorCode: fc.option(tricky, { nil: undefined }), ErrorMessage: fc.option(tricky, { nil: undefined }) });

describe('noneFailed', () => {
  it('says none failed exactly when the answer JSON says a count of 0, wherever the count stands', () => {
    fc.assert(
      fc.property(fc.array(result, { maxLength: 6 }), fc.nat(600), fc.boolean(), fc.constantFrom('firehose', 'kinesis'), (results, failed, countFirst, service) => {
        const countKey = service === 'firehose' ? 'FailedPutCount' : 'FailedRecordCount';
        const list = service === 'firehose' ? 'RequestResponses' : 'Records';
        const answer = countFirst ? { [countKey]: failed, Encrypted: false, [list]: results } : { [list]: results, [countKey]: failed };
        expect(noneFailed(Buffer.from(JSON.stringify(answer)), service === 'firehose' ? FIREHOSE : KINESIS)).toBe(failed === 0);
      }),
      { numRuns: RUNS },
    );
  });

  it('an answer it cannot read that way (spaces, no count, an empty answer) is parsed instead', () => {
    expect(noneFailed(Buffer.from('{"Encrypted": false, "FailedPutCount": 0, "RequestResponses": []}'), FIREHOSE)).toBe(false);
    expect(noneFailed(Buffer.from('{"RequestResponses":[]}'), FIREHOSE)).toBe(false);
    expect(noneFailed(Buffer.alloc(0), KINESIS)).toBe(false);
    expect(noneFailed(Buffer.from('{"FailedPutCount":0}'), FIREHOSE)).toBe(true);
  });
});
