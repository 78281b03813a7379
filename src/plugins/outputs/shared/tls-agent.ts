/**
 * The common `tls.*` keys (options/common.ts) as Node's TLS connection options, as Fluent Bit's
 * flb_tls reads them: `tls.verify` checks the certificate chain, the host name only with
 * `tls.verify_hostname On`; `tls.vhost` is the SNI name; CA (a file and/or a directory), client
 * certificate and key come from files (read once, when the output starts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentOptions } from 'node:https';
import type { SecureVersion } from 'node:tls';
import type { TLS_KEYS } from '../../../options/common.js';
import type { OptionsOf } from '../../../options/spec.js';

/** The common `tls.*` keys as the plan types them (defaults applied). */
export type TlsKeys = OptionsOf<typeof TLS_KEYS>;

const VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function version(key: string, text: string | undefined): SecureVersion | undefined {
  if (text === undefined) return undefined;
  const v = VERSIONS.find((x) => x.toLowerCase() === text.trim().toLowerCase());
  if (v === undefined) throw new Error(`${key} '${text}' is not one of ${VERSIONS.join(', ')}`);
  return v;
}

/** `tls.ca_file /path: ENOENT`: the key, the path and why it could not be read. */
function unreadable(key: string, path: string, err: unknown): Error {
  return new Error(`${key} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
}

function read(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw unreadable(key, path, err);
  }
}

/** The certificates of a CA directory (tls.ca_path): every file in it holding a PEM certificate. */
function caDirectory(path: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (err) {
    throw unreadable('tls.ca_path', path, err);
  }
  const out: Buffer[] = [];
  for (const name of names) {
    let data: Buffer;
    try {
      data = readFileSync(join(path, name));
    } catch {
      continue; // sub-directories and unreadable entries, as OpenSSL's CApath lookup skips them
    }
    if (data.includes('-----BEGIN CERTIFICATE-----')) out.push(data);
  }
  return out;
}

/** Agent options for an HTTPS connection made with these keys (throws when a file cannot be read or a version is unknown). */
export function tlsAgentOptions(o: TlsKeys): AgentOptions {
  const min = version('tls.min_version', o['tls.min_version']);
  const max = version('tls.max_version', o['tls.max_version']);
  return {
    rejectUnauthorized: o['tls.verify'] !== false,
    ...(o['tls.verify_hostname'] === true ? {} : { checkServerIdentity: () => undefined }),
    ...(o['tls.vhost'] ? { servername: o['tls.vhost'] } : {}),
    // As Fluent Bit (OpenSSL verify locations): a CA file or directory replaces the system's CAs.
    ...(o['tls.ca_file'] || o['tls.ca_path']
      ? { ca: [...(o['tls.ca_file'] ? [read('tls.ca_file', o['tls.ca_file'])] : []), ...(o['tls.ca_path'] ? caDirectory(o['tls.ca_path']) : [])] }
      : {}),
    ...(o['tls.crt_file'] ? { cert: read('tls.crt_file', o['tls.crt_file']) } : {}),
    ...(o['tls.key_file'] ? { key: read('tls.key_file', o['tls.key_file']) } : {}),
    ...(o['tls.key_passwd'] ? { passphrase: o['tls.key_passwd'] } : {}),
    ...(min ? { minVersion: min } : {}),
    ...(max ? { maxVersion: max } : {}),
    ...(o['tls.ciphers'] ? { ciphers: o['tls.ciphers'] } : {}),
  };
}

/** Per-request TLS options of an output that connects to `host` with the common `tls` key (none when it is off; SNI defaults to host). */
export function hostTlsOptions(o: TlsKeys & { readonly host: string }): AgentOptions {
  return o.tls ? { servername: o.host, ...tlsAgentOptions(o) } : {};
}
