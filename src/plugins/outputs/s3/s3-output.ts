/**
 * Fluent Bit's `s3` output (out_s3), in its order of events:
 *
 * - flush: the chunk becomes JSON lines appended to the tag's file in store_dir (store.ts), and the
 *   engine is answered ok: from then on the records are the output's, kept on disk until S3 has them.
 *   When the file would pass upload_chunk_size (or its upload total_file_size), or upload_timeout has
 *   passed, the file is locked and queued, and the queue is worked through in order.
 * - a file goes with PutObject (use_put_object; a file already as large as total_file_size; a file
 *   too small for a part; an expired one), else as the next part of the tag's multipart upload
 *   (CreateMultipartUpload first). An upload is marked for completion when it reaches
 *   total_file_size, 10,000 parts or upload_timeout, or takes a part smaller than 5 MiB, and is
 *   completed by the timer (every upload_timeout/6, between 6 s and 60 s) or at stop.
 * - a failed upload leaves the file on disk; it is tried again 2 s × failures later, and after
 *   retry_limit failures (no_limits: 5, as Fluent Bit) left for the next start.
 * - start: files and uploads left by an earlier run are sent first (PutObject for files, completion
 *   for uploads, whose parts are in the upload's file). stop: every file is sent with PutObject and
 *   every upload with data is completed; what fails stays for the next start.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import type { EventBatch } from '../../../record/event.js';
import { recordCount } from '../../../record/batch.js';
import { dateKeyOption, type JsonRecordOptions } from '../../../engine/format/json.js';
import type { FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import { PipelineError } from '../../../errors.js';
import { chunkLines, firstLogTime } from './lines.js';
import { S3_SIZES, usesPutObject, type S3Options } from './options.js';
import { S3Client, xmlText } from './s3-client.js';
import { appendsRandomSuffix, expandS3Key, randomAlphanumeric } from './s3-key.js';
import { S3Store, type BufferFile, type SavedPart } from './store.js';

/** S3's most parts of a multipart upload. */
const MAX_PARTS = 10_000;
/** The timer's bounds (UPLOAD_TIMER_MIN_WAIT, UPLOAD_TIMER_MAX_WAIT). */
const TIMER_MIN_MS = 6_000;
const TIMER_MAX_MS = 60_000;
/** What a retry_limit of no_limits means here (MAX_UPLOAD_ERRORS). */
const UNLIMITED_RETRIES = 5;

type UploadState = 'not-created' | 'created' | 'complete';

interface MultipartUpload {
  readonly name: string;
  readonly tag: string;
  readonly key: string;
  uploadId: string | undefined;
  state: UploadState;
  readonly parts: SavedPart[];
  bytes: number;
  /** Seconds. */
  readonly initTime: number;
  uploadErrors: number;
  completeErrors: number;
}

interface QueueEntry {
  readonly file: BufferFile;
  retries: number;
  /** Seconds: not before. */
  uploadTime: number;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class S3Output implements OutputRuntime {
  private readonly client: S3Client;
  private readonly store: S3Store;
  private readonly json: JsonRecordOptions;
  private readonly compress: ((data: Buffer) => Buffer) | undefined;
  private readonly putObjectOnly: boolean;
  /** The size at which a file is uploaded (total_file_size with PutObject). */
  private readonly chunkSize: number;
  private readonly uploadTimeout: number;
  private readonly retryLimit: number;
  private readonly instance: number;
  private readonly keyHasIndex: boolean;
  private files: BufferFile[] = [];
  private uploads: MultipartUpload[] = [];
  private readonly queue: QueueEntry[] = [];
  private index = 0;
  /** Seconds added to upload_timeout after failures (ctx->retry_time). */
  private retryTime = 0;
  private oldFiles: BufferFile[];
  private lock: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly o: S3Options,
    private readonly ctx: OutputContext,
  ) {
    this.putObjectOnly = usesPutObject(o);
    this.chunkSize = this.putObjectOnly ? o.total_file_size : o.upload_chunk_size;
    this.uploadTimeout = Math.floor(o.upload_timeout / 1000);
    this.retryLimit = Number.isFinite(o.retry_limit) ? Math.max(1, o.retry_limit) : UNLIMITED_RETRIES;
    this.instance = Number(/\.(\d+)$/.exec(ctx.id)?.[1] ?? 0);
    this.keyHasIndex = o.s3_key_format.includes('$INDEX');
    this.json = { dateKey: dateKeyOption(o.json_date_key), dateFormat: o.json_date_format };
    this.compress = compressorOf(o.compression, ctx.displayName);
    this.store = new S3Store(`${o.store_dir.replace(/\/+$/, '')}/${o.bucket}`, o.store_dir_limit_size ?? 0);
    if (this.keyHasIndex) this.index = this.store.readIndex(this.instance);
    this.client = new S3Client(o);
    const now = nowSeconds();
    this.oldFiles = this.store.loadFiles(now);
    for (const u of this.store.loadUploads()) {
      this.uploads.push({ ...u, parts: [...u.parts], state: 'complete', initTime: now, uploadErrors: 0, completeErrors: 0 });
      ctx.log.info(`found the multipart upload of ${u.key} from an earlier run (${u.parts.length} part(s)): completing it`);
    }
    if (this.oldFiles.length > 0) ctx.log.info(`sending ${this.oldFiles.length} file(s) buffered by an earlier run in ${this.store.root}`);
    // As cb_s3_init: what an earlier run left goes first (failures are retried by flushes and the timer).
    void this.exclusive(() => this.recover());
    const timerMs = Math.min(TIMER_MAX_MS, Math.max(TIMER_MIN_MS, Math.floor(this.uploadTimeout / 6) * 1000));
    this.timer = setInterval(() => void this.exclusive(() => this.runQueue()), timerMs);
    this.timer.unref();
  }

  /** Runs `task` after every task before it (Fluent Bit's s3 runs in sync mode: one thing at a time). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lock.then(task, task);
    this.lock = run.catch(() => undefined);
    return run;
  }

  async flush(batch: EventBatch): Promise<FlushResult> {
    if (recordCount(batch) === 0) return { status: 'ok' };
    return this.exclusive(() => this.buffer(batch));
  }

  private async buffer(batch: EventBatch): Promise<FlushResult> {
    if (this.stopped) return { status: 'retry', reason: 'output stopped' };
    if (this.oldFiles.length > 0 && !(await this.putAll(this.oldFiles))) return { status: 'retry', reason: 'files buffered by an earlier run could not be sent yet' };
    const { data, missing } = chunkLines(batch, this.o.log_key, this.json);
    if (missing > 0) {
      this.ctx.log.error(`could not find log_key '${this.o.log_key}' in ${missing} record(s)`);
      this.ctx.counters.drop(`log_key '${this.o.log_key}' not found in the record`, missing);
    }
    if (data.length === 0) return { status: 'ok' };
    const tag = batch.tag;
    const now = nowSeconds();
    let file = this.files.find((f) => f.tag === tag && !f.locked && !f.inactive);
    if (file && file.failures >= this.retryLimit) {
      this.giveUp(file);
      file = undefined;
    }
    const upload = this.uploadFor(tag);
    const expired = (file !== undefined && now > file.createTime + this.uploadTimeout) || (upload !== undefined && now > upload.initTime + this.uploadTimeout);
    const full = (file !== undefined && file.size + data.length > this.chunkSize) || (upload !== undefined && upload.bytes + data.length > this.o.total_file_size);
    const target = file ?? this.newFile(tag, firstLogTime(batch) ?? now, now);
    if (!this.store.append(target, data)) {
      const { bytes, limit } = this.store.usage();
      if (target.size === 0) this.dropFile(target);
      return { status: 'retry', reason: `store_dir is full: ${bytes} bytes buffered, store_dir_limit_size ${limit}` };
    }
    if (file !== undefined && (expired || full)) {
      file.locked = true;
      this.queue.push({ file, retries: 0, uploadTime: -1 });
      // The records are on disk: a failed upload is retried from there, not by the engine.
      await this.runQueue();
    }
    return { status: 'ok' };
  }

  private newFile(tag: string, first: number, now: number): BufferFile {
    const file = this.store.create(tag, first, now);
    this.files.push(file);
    return file;
  }

  private dropFile(file: BufferFile): void {
    this.store.delete(file);
    this.files = this.files.filter((f) => f !== file);
  }

  private giveUp(file: BufferFile): void {
    file.inactive = true;
    this.ctx.log.warn(`file of tag ${file.tag} failed to upload ${file.failures} time(s) (retry_limit ${this.retryLimit}): kept in ${this.store.root}, tried again at the next start`);
  }

  /** The open multipart upload of a tag (uploads with too many failed parts are marked for completion). */
  private uploadFor(tag: string): MultipartUpload | undefined {
    for (const u of this.uploads) {
      if (u.state === 'complete') continue;
      if (u.uploadErrors >= this.retryLimit) {
        u.state = 'complete';
        this.ctx.log.error(`upload of ${u.key} has failed ${u.uploadErrors} times: completing it with the parts it has`);
        continue;
      }
      if (u.tag === tag) return u;
    }
    return undefined;
  }

  /** The upload queue (s3_upload_queue): in order, stopping at the first file not yet due or failing. */
  private async runQueue(): Promise<void> {
    // Files an earlier run left and that could not go yet (Fluent Bit tries them again on flushes only).
    if (this.oldFiles.length > 0 && !(await this.putAll(this.oldFiles))) return;
    if (this.queue.length === 0) {
      await this.uploadExpired();
      return;
    }
    while (this.queue.length > 0) {
      const entry = this.queue[0]!;
      const now = nowSeconds();
      if (now < entry.uploadTime) return;
      // The tag's upload as it is now (Fluent Bit keeps the one of the flush; after a failure that can
      // start a second upload for the tag).
      if (await this.send(entry.file, this.uploadFor(entry.file.tag))) {
        this.queue.shift();
        this.retryTime = 0;
        continue;
      }
      entry.retries++;
      if (entry.retries >= this.retryLimit) {
        this.queue.shift();
        this.giveUp(entry.file);
        continue;
      }
      entry.uploadTime = now + 2 * entry.retries;
      this.retryTime += 2 * entry.retries;
      return;
    }
  }

  /** cb_s3_upload: files past upload_timeout are sent, uploads due are completed. */
  private async uploadExpired(): Promise<void> {
    const now = nowSeconds();
    for (const file of this.files.filter((f) => !f.locked && !f.inactive && f.size > 0)) {
      if (now < file.createTime + this.uploadTimeout + this.retryTime) continue;
      if (!(await this.send(file, this.uploadFor(file.tag))) && file.failures >= this.retryLimit) this.giveUp(file);
    }
    for (const u of [...this.uploads]) {
      if (u.completeErrors >= this.retryLimit) {
        this.ctx.log.error(`upload of ${u.key} could not be completed ${u.completeErrors} times: giving up until the next start`);
        this.uploads = this.uploads.filter((x) => x !== u);
        continue;
      }
      if (u.state === 'not-created') continue;
      if (u.state === 'complete' || now > u.initTime + this.uploadTimeout + this.retryTime) await this.complete(u);
    }
  }

  /** Sends one file (upload_data); true once S3 has it (and the file is deleted). */
  private async send(file: BufferFile, upload: MultipartUpload | undefined): Promise<boolean> {
    let body = this.store.read(file);
    if (this.compress) body = this.compress(body);
    const now = nowSeconds();
    let usePut = this.putObjectOnly;
    let last = false;
    if (!usePut && upload === undefined) {
      usePut = now > file.createTime + this.uploadTimeout + this.retryTime || body.length >= this.o.total_file_size || body.length <= S3_SIZES.minChunk;
    } else if (upload !== undefined && body.length < S3_SIZES.minChunk) {
      last = true;
    }
    const ok = usePut ? await this.putObject(file.tag, file.firstLogTime, body) : await this.sendPart(file, upload, body, last);
    if (!ok) {
      file.failures++;
      return false;
    }
    this.dropFile(file);
    return true;
  }

  /** The key of a new object or upload: $INDEX takes the counter, which moves on (and is kept) right away. */
  private nextKey(tag: string, time: number): { key: string; index: number | undefined } {
    const key = expandS3Key({ format: this.o.s3_key_format, tag, delimiters: this.o.s3_key_format_tag_delimiters, time, index: this.index });
    if (!this.keyHasIndex) return { key, index: undefined };
    const used = this.index;
    this.index++;
    this.store.writeIndex(this.instance, this.index);
    return { key, index: used };
  }

  /** Gives an $INDEX back after a failed request (decrement_index). */
  private releaseIndex(index: number | undefined): void {
    if (index === undefined) return;
    this.index = index;
    this.store.writeIndex(this.instance, this.index);
  }

  /** Headers of objects (create_headers): Content-Type, Content-Encoding, x-amz-acl, Content-MD5, x-amz-storage-class. */
  private objectHeaders(body: Buffer | undefined): Record<string, string> {
    return {
      ...(this.o.content_type !== undefined ? { 'content-type': this.o.content_type } : {}),
      ...(this.o.compression !== undefined ? { 'content-encoding': this.o.compression } : {}),
      ...(this.o.canned_acl !== undefined ? { 'x-amz-acl': this.o.canned_acl } : {}),
      ...(body !== undefined && this.o.send_content_md5 ? { 'content-md5': md5Base64(body) } : {}),
      ...(this.o.storage_class !== undefined ? { 'x-amz-storage-class': this.o.storage_class } : {}),
    };
  }

  private async putObject(tag: string, time: number, body: Buffer): Promise<boolean> {
    const { key: base, index } = this.nextKey(tag, time);
    const key = appendsRandomSuffix(this.o.s3_key_format, this.o.static_file_path, base) ? `${base}-object${randomAlphanumeric()}` : base;
    try {
      await this.client.send({ operation: 'PutObject', method: 'PUT', key, headers: this.objectHeaders(body), body });
      this.ctx.log.info(`uploaded object ${key}`);
      return true;
    } catch (err) {
      this.releaseIndex(index);
      this.ctx.log.error(`PutObject of ${key} failed: ${(err as Error).message}`);
      return false;
    }
  }

  /** One part of the tag's upload (created first when there is none). */
  private async sendPart(file: BufferFile, existing: MultipartUpload | undefined, body: Buffer, last: boolean): Promise<boolean> {
    const upload = existing ?? this.createUpload(file);
    if (upload.state === 'not-created' && !(await this.initiate(upload))) return false;
    const partNumber = upload.parts.length + 1;
    try {
      const answer = await this.client.send({
        operation: 'UploadPart',
        method: 'PUT',
        key: upload.key,
        query: { partNumber: String(partNumber), uploadId: upload.uploadId! },
        headers: this.o.send_content_md5 ? { 'content-md5': md5Base64(body) } : {},
        body,
      });
      const etag = answer.headers.etag;
      if (typeof etag !== 'string') throw new Error('UploadPart: the answer has no ETag');
      upload.parts.push({ partNumber, etag });
      upload.bytes += body.length;
      this.store.saveUpload(upload.name, { tag: upload.tag, key: upload.key, uploadId: upload.uploadId!, initTime: upload.initTime, bytes: upload.bytes, parts: upload.parts });
    } catch (err) {
      upload.uploadErrors++;
      this.ctx.log.error(`UploadPart ${partNumber} of ${upload.key} failed: ${(err as Error).message}`);
      return false;
    }
    const now = nowSeconds();
    if (last || upload.bytes >= this.o.total_file_size || upload.parts.length >= MAX_PARTS || now > upload.initTime + this.uploadTimeout + this.retryTime) upload.state = 'complete';
    return true;
  }

  private createUpload(file: BufferFile): MultipartUpload {
    const { key } = this.nextKey(file.tag, file.firstLogTime);
    const upload: MultipartUpload = { name: `${nowSeconds()}-${randomAlphanumeric()}`, tag: file.tag, key, uploadId: undefined, state: 'not-created', parts: [], bytes: 0, initTime: nowSeconds(), uploadErrors: 0, completeErrors: 0 };
    this.uploads.push(upload);
    return upload;
  }

  private async initiate(upload: MultipartUpload): Promise<boolean> {
    try {
      const answer = await this.client.send({ operation: 'CreateMultipartUpload', method: 'POST', key: upload.key, query: { uploads: '' }, headers: this.objectHeaders(undefined) });
      const id = xmlText(answer.body.toString('utf8'), 'UploadId');
      if (!id) throw new Error('CreateMultipartUpload: the answer has no UploadId');
      upload.uploadId = id;
      upload.state = 'created';
      return true;
    } catch (err) {
      this.ctx.log.error(`CreateMultipartUpload of ${upload.key} failed: ${(err as Error).message}`);
      return false;
    }
  }

  private async complete(upload: MultipartUpload): Promise<boolean> {
    const parts = upload.parts.map((p) => `<Part><ETag>${p.etag}</ETag><PartNumber>${p.partNumber}</PartNumber></Part>`).join('');
    try {
      await this.client.send({
        operation: 'CompleteMultipartUpload',
        method: 'POST',
        key: upload.key,
        query: { uploadId: upload.uploadId! },
        body: Buffer.from(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts}</CompleteMultipartUpload>`),
      });
      this.store.removeUpload(upload.name);
      this.uploads = this.uploads.filter((u) => u !== upload);
      this.ctx.log.info(`completed the multipart upload of ${upload.key} (${upload.parts.length} part(s))`);
      return true;
    } catch (err) {
      upload.completeErrors++;
      this.ctx.log.error(`CompleteMultipartUpload of ${upload.key} failed, will retry: ${(err as Error).message}`);
      return false;
    }
  }

  /** Files and uploads of an earlier run (cb_s3_init): files with PutObject, uploads completed. */
  private async recover(): Promise<void> {
    if (this.oldFiles.length > 0) await this.putAll(this.oldFiles);
    for (const u of [...this.uploads]) if (u.state === 'complete') await this.complete(u);
  }

  /**
   * put_all_chunks: each file with PutObject under its creation time, stopping at the first failure;
   * true when every file went. Files sent are removed from `files`.
   */
  private async putAll(files: BufferFile[]): Promise<boolean> {
    for (const file of [...files]) {
      if (file.inactive) continue;
      if (file.failures >= this.retryLimit) {
        this.giveUp(file);
        continue;
      }
      let body = this.store.read(file);
      if (this.compress) body = this.compress(body);
      if (!(await this.putObject(file.tag, file.createTime, body))) {
        file.failures++;
        return false;
      }
      this.store.delete(file);
      files.splice(files.indexOf(file), 1);
    }
    return true;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.exclusive(async () => {
      // cb_s3_exit: every file with PutObject (queued ones too, so nothing waits for the next start),
      // then every upload with data completed. Fluent Bit tries each once; here a failure is tried
      // again (up to retry_limit per file) before what is left stays on disk for the next start.
      this.queue.length = 0;
      const all = [...this.oldFiles, ...this.files.filter((f) => f.size > 0)];
      for (const f of all) f.locked = false;
      this.files = this.files.filter((f) => f.size === 0);
      for (let round = 1; !(await this.putAll(all)) && all.some((f) => !f.inactive); round++) await delay(Math.min(1000, 100 * round));
      const open = this.uploads.filter((u) => u.state !== 'not-created' && u.bytes > 0);
      for (const u of open) {
        for (let round = 1; !(await this.complete(u)) && u.completeErrors < this.retryLimit; round++) await delay(Math.min(1000, 100 * round));
      }
      const left = all.filter((f) => f.inactive).length + open.filter((u) => this.uploads.includes(u)).length;
      if (left > 0) this.ctx.log.error(`${left} file(s) or upload(s) could not be sent on exit: they are kept in ${this.store.root} for the next start`);
    });
    this.client.close();
  }
}

function md5Base64(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

/** gzip, or zstd where node:zlib has it (the options table refuses arrow/parquet, and zstd without it). */
function compressorOf(kind: S3Options['compression'], label: string): ((data: Buffer) => Buffer) | undefined {
  if (kind === undefined) return undefined;
  if (kind === 'gzip') return (data) => gzipSync(data);
  const zstd = (zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
  if (kind === 'zstd' && typeof zstd === 'function') return (data) => zstd(data);
  throw new PipelineError(`s3 ${label}: compression ${kind} is not available in logferry; use gzip`);
}
