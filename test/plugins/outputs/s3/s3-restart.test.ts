/**
 * A real `logferry run` killed (SIGKILL) in the middle of a multipart upload: part 1 is in S3, the
 * rest of the records only in store_dir. The next start completes the upload from its saved parts
 * and sends the buffered file: every record is in S3 once.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../aws/agent-run.js';
import { useAwsLocal } from '../aws/use-aws-local.js';

const local = useAwsLocal(31);
const dir = mkdtempSync(join(tmpdir(), 'logferry-s3-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 6,000 lines of ~1 KB: about 6.2 MB of JSON lines, so one part of 5,242,880+ bytes goes and ~1 MB stays buffered. */
const LINES = 6000;
/** Lines written before the agent starts: more than upload_chunk_size. */
const FIRST = 5300;
const line = (i: number) => `line-${String(i).padStart(6, '0')} ${'r'.repeat(1000)}`;

function config(path: string, exitOnEof: boolean): string {
  return [
    '[SERVICE]',
    '    Flush 0.2',
    '    Grace 30',
    '    Log_Level info',
    '',
    '[INPUT]',
    '    Name tail',
    `    Path ${path}`,
    '    Tag app',
    '    Read_from_Head On',
    ...(exitOnEof ? ['    Exit_On_Eof On'] : []),
    '',
    '[OUTPUT]',
    '    Name s3',
    '    Match *',
    '    bucket b-restart',
    '    region us-east-1',
    `    endpoint ${local.aws.endpoint}`,
    `    store_dir ${join(dir, 'store')}`,
    '    total_file_size 20M',
    '    upload_chunk_size 5242880',
    '    s3_key_format /restart/$TAG/$UUID',
    '    json_date_key off',
    '',
  ].join('\n');
}

const countLines = (data: Buffer | string): number => data.toString().split('\n').filter((l) => l !== '').length;

/** Lines in the output's buffer files in store_dir. */
function bufferedLines(): number {
  const buffers = join(dir, 'store', 'b-restart', 'buffers');
  let names: string[] = [];
  try {
    names = readdirSync(buffers).filter((n) => n.endsWith('.data'));
  } catch {
    return 0;
  }
  return names.reduce((n, f) => n + countLines(readFileSync(join(buffers, f))), 0);
}

const uploadedPartLines = (): number => local.aws.store.s3Uploads().reduce((n, u) => n + u.parts.reduce((m, p) => m + countLines(p.data), 0), 0);

describe('s3 output across a killed process', () => {
  it('completes the interrupted multipart upload and sends the buffered rest at the next start: every line once', async () => {
    const log = join(dir, 'app.log');
    const text = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${line(from + i)}\n`).join('');
    // First more than one part's worth, then the rest once the part is in S3: how the records fall
    // into flushes cannot put them all in the part then (it can when they all come at once).
    writeFileSync(log, text(0, FIRST));
    writeFileSync(join(dir, 'first.conf'), config(log, false));
    const first = startAgent(join(dir, 'first.conf'));
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      // aws-local counts an UploadPart when the request comes and holds the part once it is read.
      await until(() => uploadedPartLines() > 0);
      appendFileSync(log, text(FIRST, LINES));
      // Every line is either in the uploaded part or in store_dir, and the upload is not completed.
      await until(() => uploadedPartLines() + bufferedLines() === LINES);
      expect({ parts: local.aws.store.requests('UploadPart'), lines: uploadedPartLines() + bufferedLines(), objects: local.aws.store.s3Objects('b-restart').length }).toEqual({ parts: 1, lines: LINES, objects: 0 });
      expect(bufferedLines()).toBeGreaterThan(0);
    } finally {
      first.child.kill('SIGKILL');
    }
    await first.exited;

    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    writeFileSync(join(dir, 'second.conf'), config(empty, true));
    const second = startAgent(join(dir, 'second.conf'));
    expect(await second.exited, second.stderr()).toBe(0);

    const objects = local.aws.store.s3Objects('b-restart');
    const got = objects.flatMap((o) => o.data.toString().split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { log: string }).log));
    expect(got.length).toBe(LINES);
    expect([...got].sort()).toEqual(Array.from({ length: LINES }, (_, i) => line(i)));
    expect(objects.some((o) => /-1"$/.test(o.etag)), 'the interrupted upload, completed with its one part').toBe(true);
    expect(local.aws.store.s3Uploads()).toEqual([]);
    expect(second.stderr()).toMatch(/multipart upload of \/restart\/app\/\w+ from an earlier run/);
  }, 60_000);
});
