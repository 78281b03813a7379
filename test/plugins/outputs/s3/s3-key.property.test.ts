import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import s3 from '../../../../src/plugins/outputs/s3/index.js';
import { appendsRandomSuffix, expandS3Key, MAX_KEY_LENGTH, tagParts } from '../../../../src/plugins/outputs/s3/s3-key.js';
import { runCheck } from '../../../support/check.js';

const T = 1_700_000_000; // 2023-11-14T22:13:20Z
const RUNS = Number(process.env.LOGFERRY_FUZZ_RUNS ?? 200);
const part = fc.stringMatching(/^[a-z0-9_]{1,8}$/);

describe('s3_key_format expansion (flb_get_s3_key)', () => {
  it('$TAG[n], $TAG, $INDEX, $UUID and strftime in UTC', () => {
    const k = (format: string, tag = 'kube.var.log.app-1', delimiters = '.') => expandS3Key({ format, tag, delimiters, time: T, index: 7, uuid: 'U1u2U3u4' });
    expect(k('/$TAG[0]/$TAG[3]/$TAG/%Y-%m-%dT%H:%M:%S/$INDEX/$UUID')).toBe('/kube/app-1/kube.var.log.app-1/2023-11-14T22:13:20/7/U1u2U3u4');
    expect(k('/$TAG[4]/$TAG[1]', 'kube.var.log.app-1', '.-')).toBe('/1/var');
    // Empty parts are skipped, as strtok does; a part past the tag's is then hit by the $TAG replacement (Fluent Bit warns).
    expect(k('/$TAG[5]/$TAG[1]', 'a..b')).toBe('/a..b[5]/b');
    expect(k('/%j %b %a %%')).toBe('/318 Nov Tue %');
    expect(k('/x'.repeat(600)).length).toBe(MAX_KEY_LENGTH);
  });

  it('any tag: $TAG[i] is the i-th non-empty part, joining the parts with the delimiter gives the tag back (no empty parts)', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 12 }), (parts) => {
        const tag = parts.join('.');
        expect(tagParts(tag, '.')).toEqual(parts);
        const format = parts.map((_, i) => `/$TAG[${i}]`).join('');
        const expected = parts.map((p, i) => (i < 10 ? `/${p}` : `/$TAG[${i}]`)).join('');
        expect(expandS3Key({ format, tag, delimiters: '.', time: T, index: 0 })).toBe(expected.replace(/\$TAG\[\d+\]/g, (m) => m.replace('$TAG', tag)));
      }),
      { numRuns: RUNS },
    );
  });

  it('PutObject appends -object<random> only without $UUID, $INDEX and static_file_path', () => {
    expect(appendsRandomSuffix('/a/$TAG', false, '/a/t')).toBe(true);
    expect(appendsRandomSuffix('/a/$UUID', false, '/a/x')).toBe(false);
    expect(appendsRandomSuffix('/a/$INDEX', false, '/a/1')).toBe(false);
    expect(appendsRandomSuffix('/a/$TAG', true, '/a/t')).toBe(false);
    expect(appendsRandomSuffix('/a', false, '/'.repeat(1010))).toBe(false);
  });
});

describe('s3 startup checks (cb_s3_init)', () => {
  const errors = (given: Record<string, string>) => runCheck(s3, { bucket: 'b', ...given }).map((r) => `${r.key}: ${r.message}`);

  it('refuses what Fluent Bit refuses to start with', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ s3_key_format: 'logs/$TAG' })).toEqual(["s3_key_format: 's3_key_format' must start with a '/'"]);
    expect(errors({ total_file_size: '500K' })).toEqual(['total_file_size: total_file_size must be at least 1MB']);
    expect(errors({ total_file_size: '50M', upload_chunk_size: '4M' })).toEqual(['upload_chunk_size: upload_chunk_size must be at least 5,242,880 bytes']);
    expect(errors({ total_file_size: '50M', upload_chunk_size: '60M' })).toEqual(['upload_chunk_size: upload_chunk_size can not be larger than total_file_size']);
    expect(errors({ total_file_size: '100M', upload_chunk_size: '51M' })).toEqual(['upload_chunk_size: Max upload_chunk_size is 50MB']);
    expect(errors({ total_file_size: '15M', upload_chunk_size: '10M' })).toEqual(['total_file_size: total_file_size is less than 2x upload_chunk_size']);
    expect(errors({ total_file_size: '2G', use_put_object: 'on' })).toEqual(['total_file_size: Max total_file_size is 50M when use_put_object is enabled']);
    // Under 10 MB PutObject is used, so the part size is not checked.
    expect(errors({ total_file_size: '5M', upload_chunk_size: '3M' })).toEqual(['total_file_size: total_file_size is less than 2x upload_chunk_size']);
    expect(errors({ total_file_size: '5M', upload_chunk_size: '1M' })).toEqual([]);
    expect(errors({ total_file_size: '5M' })).toEqual([]);
    // As Fluent Bit, a warning only.
    expect(runCheck(s3, { bucket: 'b', 'storage.total_limit_size': '1G' }).map((r) => [r.code, r.severity])).toEqual([['ineffective-option', 'warning']]);
  });
});
