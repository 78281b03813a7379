import { describe, expect, it } from 'vitest';
import { LOCALHOST_CA_FILE, localhostTls } from '../../../../src/aws-local/index.js';
import { TLS_KEYS } from '../../../../src/options/common.js';
import { tlsAgentOptions, type TlsKeys } from '../../../../src/plugins/outputs/shared/tls-agent.js';
import { tableOptions } from '../../../support/check.js';

/** The tls.* keys as the plan gives them: the table's defaults, with `given` set. */
const tls = (given: Partial<TlsKeys>): TlsKeys => ({ ...tableOptions(TLS_KEYS), ...given });

describe('tls.* keys as Node TLS options', () => {
  it('verifies the chain by default and the host name only with tls.verify_hostname On, as Fluent Bit', () => {
    const byDefault = tlsAgentOptions(tls({}));
    expect(byDefault.rejectUnauthorized).toBe(true);
    expect(byDefault.checkServerIdentity?.('example.com', {} as never)).toBeUndefined();
    expect(tlsAgentOptions(tls({ 'tls.verify_hostname': true })).checkServerIdentity).toBeUndefined();
    expect(tlsAgentOptions(tls({ 'tls.verify': false })).rejectUnauthorized).toBe(false);
  });

  it('reads the CA, certificate and key files and passes SNI, versions and ciphers through', () => {
    const o = tlsAgentOptions(tls({
      'tls.ca_file': LOCALHOST_CA_FILE,
      'tls.crt_file': LOCALHOST_CA_FILE,
      'tls.key_file': LOCALHOST_CA_FILE.replace(/\.crt$/, '.key'),
      'tls.key_passwd': 'secret',
      'tls.vhost': 'logs.example',
      'tls.min_version': 'tlsv1.2',
      'tls.max_version': 'TLSv1.3',
      'tls.ciphers': 'ECDHE-ECDSA-AES128-GCM-SHA256',
    }));
    expect(o.ca).toEqual([localhostTls().cert]);
    expect(o.key).toEqual(localhostTls().key);
    expect(o).toMatchObject({ servername: 'logs.example', passphrase: 'secret', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
  });

  it('tls.ca_path trusts every PEM certificate in the directory, with tls.ca_file', () => {
    const dir = LOCALHOST_CA_FILE.replace(/\/[^/]+$/, '');
    // fixtures/tls holds the certificate, its key (not a certificate) and a README.
    expect(tlsAgentOptions(tls({ 'tls.ca_path': dir })).ca).toEqual([localhostTls().cert]);
    expect(tlsAgentOptions(tls({ 'tls.ca_path': dir, 'tls.ca_file': LOCALHOST_CA_FILE })).ca).toEqual([localhostTls().cert, localhostTls().cert]);
    expect(() => tlsAgentOptions(tls({ 'tls.ca_path': '/nonexistent' }))).toThrow('tls.ca_path /nonexistent: ENOENT');
  });

  it('names the key and the accepted values for an unknown version, and the file it cannot read', () => {
    expect(() => tlsAgentOptions(tls({ 'tls.min_version': 'SSLv3' }))).toThrow("tls.min_version 'SSLv3' is not one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3");
    expect(() => tlsAgentOptions(tls({ 'tls.ca_file': '/nonexistent/ca.pem' }))).toThrow('tls.ca_file /nonexistent/ca.pem: ENOENT');
  });
});
