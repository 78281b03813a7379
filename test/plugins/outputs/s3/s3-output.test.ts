/**
 * The s3 output in a pipeline against aws-local: PutObject, multipart uploads of several parts,
 * gzip, key formats, headers, store_dir buffering and faults.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../../src/record/event.js';
import { REPO_ROOT } from '../../../support/cli.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { useAwsLocal } from '../aws/use-aws-local.js';

const local = useAwsLocal(23);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function storeDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'logferry-s3-'));
  dirs.push(d);
  return d;
}

const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 30\n    Log_Level warn\n\n';
const LIB_IN = '[INPUT]\n    Name lib\n    Tag  app.web.frontend\n\n';

/** A pipeline lib -> s3 (bucket, store_dir and endpoint given); pushes, then stops (which uploads what is buffered). */
async function run(bucket: string, extra: string, pushes: (LogEvent[] | Record<string, unknown>[])[], dir = storeDir()) {
  const conf = `${SERVICE}${LIB_IN}[OUTPUT]\n    Name s3\n    Match *\n    bucket ${bucket}\n    region eu-west-1\n    endpoint ${local.aws.endpoint}\n    store_dir ${dir}\n${extra}`;
  const c = capture(planFrom(conf), { retryDelayMs: () => 20 });
  await c.pipeline.start();
  for (const p of pushes) {
    c.pipeline.push(p);
    await new Promise((r) => setTimeout(r, 60));
  }
  await c.pipeline.stop();
  return { metrics: c.pipeline.metrics().output['s3.0']!, logs: c.logs, dir };
}

const objects = (bucket: string) => local.aws.store.s3Objects(bucket);
const linesOf = (bucket: string, decode: (b: Buffer) => Buffer = (b) => b) =>
  objects(bucket)
    .flatMap((o) => decode(o.data).toString('utf8').split('\n'))
    .filter((l) => l !== '');

const T = 1_700_000_000_123_456_789n; // 2023-11-14T22:13:20.123456Z

describe('s3 output against aws-local', () => {
  it('uploads what is buffered at stop with PutObject as JSON lines with the date first, under the default key (file creation time) plus -object<random>', async () => {
    await run('b-put', '', [[{ time: T, record: { a: 1, s: 'x' } }, { time: T + 1_000_000_000n, record: { b: 2 } }]]);
    const [o, ...more] = objects('b-put');
    expect(more).toEqual([]);
    expect(o!.key).toMatch(/^fluent-bit-logs\/app\.web\.frontend\/\d{4}\/\d\d\/\d\d\/\d\d\/\d\d\/\d\d-object[0-9a-zA-Z]{8}$/);
    expect(o!.data.toString()).toBe('{"date":"2023-11-14T22:13:20.123456Z","a":1,"s":"x"}\n{"date":"2023-11-14T22:13:21.123456Z","b":2}\n');
    expect(local.aws.store.requests('CreateMultipartUpload')).toBe(0);
  });

  it('a file past upload_timeout goes with the next flush under its first record time: $TAG[n] with the delimiters, $INDEX (kept across runs), $UUID, strftime', async () => {
    const dir = storeDir();
    const extra = '    s3_key_format /$TAG[2]/$TAG[0]-%Y%m%d/$INDEX/$UUID.log\n    s3_key_format_tag_delimiters .-\n    json_date_key off\n    upload_timeout 1s\n';
    const conf = `${SERVICE}${LIB_IN}[OUTPUT]\n    Name s3\n    Match *\n    bucket b-key\n    endpoint ${local.aws.endpoint}\n    store_dir ${dir}\n${extra}`;
    const c = capture(planFrom(conf), { retryDelayMs: () => 20 });
    await c.pipeline.start();
    c.pipeline.push([{ time: T, record: { n: 1 } }]);
    await new Promise((r) => setTimeout(r, 2100));
    c.pipeline.push([{ time: T + 5_000_000_000n, record: { n: 2 } }]);
    for (let i = 0; i < 100 && objects('b-key').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [first] = objects('b-key');
    expect(first!.key).toMatch(/^frontend\/app-20231114\/0\/[0-9a-zA-Z]{8}\.log$/);
    expect(first!.data.toString()).toBe('{"n":1}\n{"n":2}\n');
    await c.pipeline.stop();
    await run('b-key', extra, [[{ time: T, record: { n: 3 } }]], dir);
    expect(objects('b-key').map((o) => o.key.split('/')[2])).toEqual(['0', '1']);
    await run('b-static', '    s3_key_format /logs/$TAG[1]/static.log\n    static_file_path on\n', [[{ time: T, record: { n: 1 } }]]);
    expect(objects('b-static').map((o) => o.key)).toEqual(['logs/web/static.log']);
  });

  it('uploads what Fluent Bit 4.2.8 uploads for the same keys (fixture): key, JSON lines, headers', async () => {
    const golden = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/fluent-bit-4.2.8/s3-put-object.json'), 'utf8')) as {
      config: string[]; tag: string; record: Record<string, unknown>; key: string; lines: string[]; object: Record<string, string>;
    };
    const conf = `${SERVICE}[INPUT]\n    Name lib\n    Tag ${golden.tag}\n\n[OUTPUT]\n    Name s3\n    Match *\n    bucket b-golden\n    endpoint ${local.aws.endpoint}\n    store_dir ${storeDir()}\n${golden.config.map((l) => `    ${l}\n`).join('')}`;
    const c = capture(planFrom(conf));
    await c.pipeline.start();
    c.pipeline.push([{ time: T, record: golden.record }, { time: T, record: golden.record }]);
    await new Promise((r) => setTimeout(r, 100));
    await c.pipeline.stop();
    const [o, ...more] = objects('b-golden');
    expect(more).toEqual([]);
    const year = /^\d{4}$/;
    expect(o!.key.split('/').map((p) => p.replace(year, 'YYYY'))).toEqual(golden.key.split('/').map((p) => p.replace(year, 'YYYY')));
    const undated = (l: string) => l.replace(/"date":"[^"]+"/, '"date":"D"');
    expect(gunzipSync(o!.data).toString().split('\n').filter((l) => l !== '').map(undated)).toEqual(golden.lines.map(undated));
    expect({ contentType: o!.contentType, contentEncoding: o!.contentEncoding, storageClass: o!.storageClass, acl: o!.acl }).toEqual(golden.object);
    expect(local.aws.store.calls('PutObject').at(-1)!.headers['content-md5']).toBeDefined();
  });

  it('sends Content-Type, Content-Encoding gzip, x-amz-acl, x-amz-storage-class and Content-MD5 as set; gzip objects decompress to the lines', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ time: T, record: { i } }));
    await run('b-headers', '    compression gzip\n    content_type application/json\n    canned_acl bucket-owner-full-control\n    storage_class STANDARD_IA\n    send_content_md5 on\n    json_date_key false\n', [records]);
    const [o] = objects('b-headers');
    expect({ type: o!.contentType, encoding: o!.contentEncoding, acl: o!.acl, storageClass: o!.storageClass }).toEqual({ type: 'application/json', encoding: 'gzip', acl: 'bucket-owner-full-control', storageClass: 'STANDARD_IA' });
    expect(linesOf('b-headers', gunzipSync)).toEqual(records.map((r) => JSON.stringify(r.record)));
    expect(local.aws.store.calls('PutObject').at(-1)!.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('role_arn and external_id: the uploads are signed with the credentials STS (sts_endpoint) issued for the role', async () => {
    await run('b-role', `    role_arn arn:aws:iam::000000000000:role/s3-writer\n    external_id ext-1\n    sts_endpoint ${local.aws.endpoint}\n`, [[{ a: 1 }]]);
    const [call] = local.aws.store.assumeRoleCalls().filter((c) => c.roleArn.endsWith('/s3-writer'));
    expect(call).toMatchObject({ externalId: 'ext-1' });
    expect(local.aws.store.calls('PutObject').at(-1)!.accessKeyId).toBe(call!.issuedAccessKeyId);
    expect(objects('b-role')).toHaveLength(1);
  });

  it('log_key uploads only that value per line; records without it are counted as dropped', async () => {
    const { metrics } = await run('b-logkey', '    log_key log\n', [[{ log: 'raw "line"' }, { other: 1 }, { log: { m: 1 } }]]);
    expect(linesOf('b-logkey')).toEqual(['raw "line"', '{"m":1}']);
    expect(metrics.dropped).toEqual({ "log_key 'log' not found in the record": 1 });
  });

  it('uploads each file larger than upload_chunk_size as the next part of one multipart upload, completed at stop (the rest: PutObject)', async () => {
    // 1 MB per flush: a file goes as a part on the flush that takes it past 5,242,880 bytes (every 6th).
    const pushes = Array.from({ length: 19 }, (_, c) => Array.from({ length: 250 }, (_, i) => ({ n: c * 250 + i, pad: 'm'.repeat(4000) })));
    await run('b-multi', '    total_file_size 40M\n    upload_chunk_size 5242880\n    json_date_key off\n    s3_key_format /multi/$TAG/$UUID\n', pushes);
    const all = objects('b-multi');
    expect(all.map((o) => o.etag.replace(/^"[0-9a-f]{32}/, ''))).toEqual(expect.arrayContaining(['-3"', '"']));
    expect(all).toHaveLength(2);
    const got = linesOf('b-multi').map((l) => (JSON.parse(l) as { n: number }).n);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 19 * 250 }, (_, i) => i));
    expect(local.aws.store.requests('UploadPart')).toBe(3);
    expect(local.aws.store.s3Uploads()).toEqual([]);
  });

  // LOGFERRY_SOAK: ~25 MB of hardly compressible lines, so that gzip parts stay above 5 MiB.
  it.skipIf(!process.env.LOGFERRY_SOAK)('compression gzip with multipart: each part is compressed on its own, the object gunzips to every line', async () => {
    const pushes = Array.from({ length: 25 }, (_, c) => Array.from({ length: 250 }, (_, i) => ({ n: c * 250 + i, pad: randomBytes(3000).toString('base64') })));
    await run('b-multi-gzip', '    total_file_size 40M\n    upload_chunk_size 8M\n    compression gzip\n    json_date_key off\n    s3_key_format /multi/$TAG/$UUID\n', pushes);
    const all = objects('b-multi-gzip');
    expect(all.map((o) => o.etag.replace(/^"[0-9a-f]{32}/, ""))).toEqual(expect.arrayContaining(["-3\""]));
    const got = linesOf('b-multi-gzip', gunzipSync).map((l) => (JSON.parse(l) as { n: number }).n);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 * 250 }, (_, i) => i));
  }, 120_000);

  it('retries throttling (503 SlowDown) and 5xx answers: every record arrives once', async () => {
    local.aws.setFaults({ throttle: 0.3, serverError: 0.2 });
    try {
      // 300 KB per flush: with total_file_size 1M every 4th flush uploads a file (and its retries wait 2 s x failures).
      const pushes = Array.from({ length: 12 }, (_, c) => Array.from({ length: 20 }, (_, i) => ({ n: c * 20 + i, pad: 'f'.repeat(15_000) })));
      await run('b-faults', '    json_date_key off\n    Retry_Limit no_limits\n    total_file_size 1M\n', pushes);
    } finally {
      local.aws.setFaults({});
    }
    const got = linesOf('b-faults').map((l) => (JSON.parse(l) as { n: number }).n);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 240 }, (_, i) => i));
    expect(local.aws.store.s3Uploads()).toEqual([]);
    const failed = local.aws.store.calls('PutObject').length - objects('b-faults').length;
    expect(failed).toBeGreaterThan(0);
  });

  it('store_dir_limit_size: a chunk that does not fit is retried by the engine, nothing is lost', async () => {
    const { dir } = await run('b-limit', '    store_dir_limit_size 2000\n    json_date_key off\n    Retry_Limit no_limits\n    total_file_size 1M\n', [Array.from({ length: 5 }, (_, i) => ({ i, pad: 'p'.repeat(100) }))]);
    expect(linesOf('b-limit').map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    expect(readdirSync(join(dir, 'b-limit', 'buffers'))).toEqual([]);
  });
});
