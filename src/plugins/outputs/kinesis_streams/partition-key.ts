/**
 * Fluent Bit's random partition keys (out_kinesis_streams `random_partition_key`): the first 10
 * characters of a random per-instance id, then the djb2 hash of the tag modulo 7919 and
 * 5381 x seconds x nanoseconds of the current time (64-bit unsigned) modulo 7919, as decimals.
 * Records of one tag sent in the same instant share a key; over time they spread over the shards.
 */
import { randomBytes } from 'node:crypto';

const CHARSET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const U64 = (1n << 64n) - 1n;

/** Fluent Bit's session name alphabet (flb_sts_session_name): `length` random letters and digits. */
export function randomName(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += CHARSET[b % CHARSET.length];
  return out;
}

/** djb2 of the tag's bytes, modulo 7919 (unsigned 64-bit arithmetic as in C). */
export function tagHash(tag: string): number {
  let hash = 5381n;
  for (const c of Buffer.from(tag, 'utf8')) hash = (hash * 33n + BigInt(c)) & U64;
  return Number(hash % 7919n);
}

/** The time part: 5381 * sec * nsec (unsigned 64-bit) modulo 7919. */
export function timeHash(sec: bigint, nsec: bigint): number {
  return Number(((5381n * sec * nsec) & U64) % 7919n);
}

/** Makes the partition keys of one output instance. */
export class RandomPartitionKeys {
  private readonly prefix = randomName(10);
  private lastTag = '';
  private lastTagHash = tagHash('');

  /** A key for a record of `tag` sent now. */
  next(tag: string): string {
    if (tag !== this.lastTag) {
      this.lastTag = tag;
      this.lastTagHash = tagHash(tag);
    }
    const ms = Date.now();
    const nsec = BigInt((ms % 1000) * 1_000_000 + Number(process.hrtime.bigint() % 1_000_000n));
    return `${this.prefix}${this.lastTagHash}${timeHash(BigInt(Math.floor(ms / 1000)), nsec)}`;
  }
}
