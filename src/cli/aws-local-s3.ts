/** `logferry aws-local s3 ls|cat`: what the local S3 endpoint kept in its data dir (data-dir.ts). */
import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { s3BucketDir, s3BucketNames, s3ObjectFile, s3ObjectMetadata } from '../aws-local/data-dir.js';
import { EXIT, type CommandIo } from './io.js';

/** `bucket/rest` split at the first slash. */
function splitPath(path: string): { bucket: string; rest: string } {
  const slash = path.indexOf('/');
  return slash < 0 ? { bucket: path, rest: '' } : { bucket: path.slice(0, slash), rest: path.slice(slash + 1) };
}

/** As `aws s3 ls` prints objects: date, time, size right-aligned, key. */
function listLine(lastModified: number, size: number, key: string): string {
  const iso = new Date(lastModified).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${String(size).padStart(10)} ${key}\n`;
}

function ls(path: string | undefined, dataDir: string, io: CommandIo): number {
  if (path === undefined) {
    for (const name of s3BucketNames(dataDir)) io.stdout(`${name}\n`);
    return EXIT.ok;
  }
  const { bucket, rest } = splitPath(path);
  if (!existsSync(s3BucketDir(dataDir, bucket))) {
    io.stderr(`logferry aws-local s3 ls: no bucket '${bucket}' in ${dataDir}\n`);
    return EXIT.problems;
  }
  for (const o of s3ObjectMetadata(dataDir, bucket).values()) if (o.key.startsWith(rest)) io.stdout(listLine(o.lastModified, o.size, o.key));
  return EXIT.ok;
}

function cat(path: string, dataDir: string, io: CommandIo): number {
  const { bucket, rest: key } = splitPath(path);
  const meta = s3ObjectMetadata(dataDir, bucket).get(key);
  let data: Buffer | undefined;
  try {
    data = meta ? readFileSync(s3ObjectFile(dataDir, bucket, key)) : undefined;
  } catch {
    data = undefined;
  }
  if (!meta || !data) {
    io.stderr(`logferry aws-local s3 cat: no object '${key}' in bucket '${bucket}' in ${dataDir}\n`);
    return EXIT.problems;
  }
  if (meta.contentEncoding === 'gzip') {
    try {
      data = gunzipSync(data);
    } catch (err) {
      io.stderr(`logferry aws-local s3 cat: ${key} says Content-Encoding gzip but does not decompress (${(err as Error).message}); printing it as stored\n`);
    }
  }
  io.stdout(isUtf8(data) ? data.toString('utf8') : `base64:${data.toString('base64')}\n`);
  return EXIT.ok;
}

export function s3Command(command: 'ls' | 'cat', path: string | undefined, dataDir: string, io: CommandIo): number {
  return command === 'ls' ? ls(path, dataDir, io) : cat(path!, dataDir, io);
}
