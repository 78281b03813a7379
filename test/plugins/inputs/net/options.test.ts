/** What `validate` says about tcp and http input sections: Fluent Bit's refusals, and the keys logferry does not act on. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../../src/index.js';

function diagnostics(plugin: 'tcp' | 'http', keys: readonly string[]): { code: string; severity: string; message: string }[] {
  const text = `[INPUT]\n    Name ${plugin}\n${keys.map((k) => `    ${k}\n`).join('')}[OUTPUT]\n    Name null\n    Match *\n`;
  return validateConfig(text).map((d) => ({ code: d.code, severity: d.severity, message: d.message }));
}

describe('tcp and http input options', () => {
  it('tcp: an empty separator and an unknown format are errors; kilobyte sizes as atoi reads them', () => {
    expect(diagnostics('tcp', ['Format none', 'Separator \\'])).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringMatching(/separator '\\' is empty once unescaped/) }));
    expect(diagnostics('tcp', ['Format msgpack']).some((d) => d.severity === 'error')).toBe(true);
    expect(diagnostics('tcp', ['Chunk_Size 32k'])).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/as 32 KB/) }));
    expect(diagnostics('tcp', ['Chunk_Size 64', 'Buffer_Size 1024'])).toEqual([]);
  });

  it('tcp: Source_Address_Key with Format none and Separator with Format json have no effect; TLS needs a certificate and key', () => {
    expect(diagnostics('tcp', ['Format none', 'Source_Address_Key src']).map((d) => d.code)).toEqual(['ineffective-option']);
    expect(diagnostics('tcp', ['Separator |']).map((d) => [d.code, d.severity])).toEqual([['invalid-value', 'warning']]);
    expect(diagnostics('tcp', ['tls On']).map((d) => [d.code, d.severity])).toEqual([['missing-required', 'error']]);
  });

  it('http: an unsupported success code is a warning (Fluent Bit answers 201); keys not acted on say so', () => {
    expect(diagnostics('http', ['Successful_Response_Code 202']).map((d) => [d.code, d.severity])).toEqual([['invalid-value', 'warning']]);
    const notActed = diagnostics('http', ['http2 on', 'Buffer_Chunk_Size 1M', 'Host example.com', 'net.share_port on', 'ipv6 on']);
    expect(notActed.map((d) => d.code)).toEqual(Array(5).fill('unsupported-key'));
    expect(diagnostics('http', ['Success_Header X-Only'])).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringMatching(/name and a value/) }));
    expect(diagnostics('http', ['Tag_Key $a[']).some((d) => d.severity === 'error')).toBe(true);
  });
});
