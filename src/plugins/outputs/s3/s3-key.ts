/**
 * Object keys as out_s3 makes them (`flb_get_s3_key`): `$TAG[n]` (n < 10) is the n-th part of the
 * tag split on any of the delimiter characters (empty parts skipped, as strtok does), `$TAG` the
 * whole tag, `$INDEX` the sequence number, `$UUID` 8 random alphanumeric characters, then strftime
 * in UTC on the file's first record time; at most 1,024 characters. PutObject appends
 * `-object<8 random characters>` when the format has neither $UUID nor $INDEX and static_file_path
 * is off (`randomSuffix`); multipart upload keys never get it.
 */
import { randomBytes } from 'node:crypto';
import { formatTimeKey } from '../shared/time-key.js';

/** The most characters of a key (S3_KEY_SIZE). */
export const MAX_KEY_LENGTH = 1024;
/** `$TAG[0]`..`$TAG[9]` (MAX_TAG_PARTS). */
const MAX_TAG_PARTS = 10;

const CHARSET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 8 random characters of [0-9a-zA-Z], as flb_sts_session_name's first 8. */
export function randomAlphanumeric(length = 8): string {
  return [...randomBytes(length)].map((b) => CHARSET[b % CHARSET.length]).join('');
}

/** The tag's parts split on any character of `delimiters`, empty parts skipped. */
export function tagParts(tag: string, delimiters: string): string[] {
  if (delimiters === '') return [tag];
  const parts: string[] = [];
  let current = '';
  for (const ch of tag) {
    if (delimiters.includes(ch)) {
      if (current !== '') parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') parts.push(current);
  return parts;
}

export interface KeyInputs {
  readonly format: string;
  readonly tag: string;
  readonly delimiters: string;
  /** Seconds since the epoch: the first record time of the file. */
  readonly time: number;
  readonly index: number;
  /** What $UUID becomes (random by default). */
  readonly uuid?: string;
}

/** The object key of a file (without the PutObject suffix). */
export function expandS3Key(k: KeyInputs): string {
  let key = k.format;
  tagParts(k.tag, k.delimiters)
    .slice(0, MAX_TAG_PARTS)
    .forEach((part, i) => {
      key = key.split(`$TAG[${i}]`).join(part);
    });
  key = key.split('$TAG').join(k.tag);
  if (k.format.includes('$INDEX')) key = key.split('$INDEX').join(String(k.index));
  key = key.split('$UUID').join(k.uuid ?? randomAlphanumeric());
  const out = formatTimeKey(key, BigInt(Math.trunc(k.time)) * 1_000_000_000n, false);
  return out.length > MAX_KEY_LENGTH ? out.slice(0, MAX_KEY_LENGTH) : out;
}

/** Whether PutObject appends `-object<random>` to keys of this format (s3_put_object's append_random). */
export function appendsRandomSuffix(format: string, staticFilePath: boolean, key: string): boolean {
  return key.length + 16 <= MAX_KEY_LENGTH && !format.includes('$UUID') && !format.includes('$INDEX') && !staticFilePath;
}
