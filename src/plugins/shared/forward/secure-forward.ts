/**
 * The forward protocol's handshake (Fluentd forward protocol v1, "Handshake Messages"), as Fluent
 * Bit's in_forward (server) and out_forward (client) speak it:
 *
 *   server -> HELO  ["HELO", {nonce, auth}]
 *   client -> PING  ["PING", client_hostname, shared_key_salt, sha512_hex(salt + client_hostname + nonce + shared_key), username, password_digest]
 *   server -> PONG  ["PONG", auth_ok, reason, server_hostname, sha512_hex(salt + server_hostname + nonce + shared_key)]
 *
 * with password_digest = sha512_hex(auth + username + password). Nonce, auth and salt are random
 * bytes sent as msgpack str, hence the byte-keeping decoder.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { arrayHeader, boolByte, mapHeader, strBytes, type RawValue } from './msgpack-bytes.js';

export type Bytes = Buffer | string;

/** sha512 of the parts, in lowercase hex (128 characters). */
export function sha512Hex(...parts: readonly Bytes[]): string {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

function same(a: Buffer | string, b: Buffer | string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function text(v: RawValue | undefined): string | undefined {
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function isType(msg: RawValue, type: string, size: number): msg is RawValue[] {
  return Array.isArray(msg) && msg.length >= size && text(msg[0]) === type;
}

/** The server's HELO, with a fresh nonce and user-auth salt (16 random bytes each). */
export function helo(): { message: Buffer; nonce: Buffer; auth: Buffer } {
  const nonce = randomBytes(16);
  const auth = randomBytes(16);
  const message = Buffer.concat([arrayHeader(2), strBytes('HELO'), mapHeader(2), strBytes('nonce'), strBytes(nonce), strBytes('auth'), strBytes(auth)]);
  return { message, nonce, auth };
}

export interface ServerSecrets {
  readonly sharedKey: string;
  readonly selfHostname: string;
  /** `security.users`: user name -> password; empty: no user authentication. */
  readonly users: ReadonlyMap<string, string>;
}

/**
 * The server's answer to a PING: the PONG to send, and whether the client may go on. A PING that
 * is not one, or whose shared key digest is wrong, gets no PONG (Fluent Bit closes the connection);
 * a wrong user or password gets a refusal PONG.
 */
export function answerPing(msg: RawValue, nonce: Buffer, auth: Buffer, s: ServerSecrets): { pong?: Buffer; ok: boolean; reason?: string } {
  if (!isType(msg, 'PING', 6) || msg.length !== 6 || !msg.slice(1).every((v) => Buffer.isBuffer(v))) return { ok: false, reason: 'invalid PING message' };
  const [, hostname, salt, digest, username, passwordDigest] = msg as Buffer[];
  if (!same(sha512Hex(salt!, hostname!, nonce, s.sharedKey), digest!)) return { ok: false, reason: 'shared_key mismatch' };
  if (s.users.size > 0) {
    const password = s.users.get(username!.toString('utf8'));
    if (password === undefined || !same(sha512Hex(auth, username!, password), passwordDigest!)) {
      return { ok: false, reason: 'username/password mismatch', pong: pong(false, 'username/password mismatch', '', '') };
    }
  }
  return { ok: true, pong: pong(true, '', s.selfHostname, sha512Hex(salt!, s.selfHostname, nonce, s.sharedKey)) };
}

function pong(ok: boolean, reason: string, hostname: string, digest: string): Buffer {
  return Buffer.concat([arrayHeader(5), strBytes('PONG'), boolByte(ok), strBytes(reason), strBytes(hostname), strBytes(digest)]);
}

export interface ClientSecrets {
  readonly sharedKey: string;
  readonly selfHostname: string;
  readonly username: string;
  readonly password: string;
}

/** What the client keeps between its PING and the server's PONG. */
export interface PingState {
  readonly nonce: Buffer;
  readonly salt: Buffer;
}

/** The client's PING for a HELO (throws when the HELO is not one). */
export function pingFor(heloMsg: RawValue, c: ClientSecrets): { message: Buffer; state: PingState } {
  if (!isType(heloMsg, 'HELO', 2) || !(heloMsg[1] instanceof Map)) throw new Error('the server did not send a HELO message');
  const options = heloMsg[1];
  const nonce = options.get('nonce');
  if (!Buffer.isBuffer(nonce)) throw new Error('the HELO message has no nonce');
  const auth = options.get('auth');
  const salt = randomBytes(16);
  const withUser = Buffer.isBuffer(auth);
  const message = Buffer.concat([
    arrayHeader(6),
    strBytes('PING'),
    strBytes(c.selfHostname),
    strBytes(salt),
    strBytes(sha512Hex(salt, c.selfHostname, nonce, c.sharedKey)),
    strBytes(withUser ? c.username : ''),
    strBytes(withUser ? sha512Hex(auth, c.username, c.password) : ''),
  ]);
  return { message, state: { nonce, salt } };
}

/** Checks the server's PONG (throws with the server's reason or why the server is not trusted). */
export function checkPong(msg: RawValue, state: PingState, c: ClientSecrets): void {
  if (!isType(msg, 'PONG', 5)) throw new Error('the server did not answer the PING with a PONG message');
  if (msg[1] !== true) throw new Error(`the server refused the handshake: ${text(msg[2]) ?? 'no reason given'}`);
  const hostname = msg[3];
  const digest = msg[4];
  if (!Buffer.isBuffer(hostname) || !Buffer.isBuffer(digest)) throw new Error('invalid PONG message');
  if (!same(sha512Hex(state.salt, hostname, state.nonce, c.sharedKey), digest)) {
    throw new Error('PONG shared_key digest mismatch: the server does not hold the same shared_key');
  }
}
