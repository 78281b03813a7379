/**
 * The certificate the local endpoint serves HTTPS with: self-signed, for localhost, 127.0.0.1 and
 * ::1, valid 2020 to 2125 (fixtures/tls; how it was made is in fixtures/tls/README.md). Clients
 * connect with certificate verification off, or trust it (`ca`). Fluent Bit's AWS outputs speak
 * only HTTPS, so comparing against them needs this.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TlsIdentity {
  cert: string | Buffer;
  key: string | Buffer;
}

const DIR = new URL('../../fixtures/tls/', import.meta.url);

/** The certificate's path: what a client's CA file (Fluent Bit's `tls.ca_file`) names to trust it. */
export const LOCALHOST_CA_FILE = fileURLToPath(new URL('localhost.crt', DIR));

/** The bundled localhost certificate and key (read on each call). */
export function localhostTls(): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(new URL('localhost.crt', DIR)), key: readFileSync(new URL('localhost.key', DIR)) };
}
