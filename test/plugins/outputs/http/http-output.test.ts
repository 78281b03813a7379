import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { capture, planFrom } from '../../../support/pipeline.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A real HTTP server on 127.0.0.1 that answers each request with the next status of `statuses` (then 200). */
async function sink(statuses: number[] = []): Promise<{ port: number; requests: Received[]; server: Server }> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts) });
      res.statusCode = statuses.shift() ?? 200;
      res.end(res.statusCode === 200 ? '' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, requests, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function conf(port: number, extra = ''): string {
  return `[SERVICE]\n    Flush 0.05\n    Grace 2\n[INPUT]\n    Name lib\n    Tag  app.web\n[OUTPUT]\n    Name http\n    Match *\n    Host 127.0.0.1\n    Port ${port}\n${extra}`;
}

const T = 1_700_000_000_500_000_000n;

describe('http output', () => {
  it('posts a JSON array with the date key first, with Fluent Bit headers, to the uri', async () => {
    const s = await sink();
    const run = capture(planFrom(conf(s.port, '    URI logs\n    Header X-Team platform\n    Header_Tag X-Tag\n    http_user u\n    http_passwd p\n')));
    await run.pipeline.start();
    run.pipeline.push([{ time: T, record: { a: 1 } }, { time: T, record: { b: 'x' } }]);
    await run.pipeline.stop();
    expect(s.requests).toHaveLength(1);
    const r = s.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/logs');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-team']).toBe('platform');
    expect(r.headers['x-tag']).toBe('app.web');
    expect(r.headers['authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(r.body.toString()).toBe('[{"date":1700000000.5,"a":1},{"date":1700000000.5,"b":"x"}]');
  });

  it('drops at once, with the reason, a batch whose tag cannot be a Header_Tag value (CR/LF from a rewritten tag), and sends the others', async () => {
    const s = await sink();
    const run = capture(planFrom(conf(s.port, '    Header_Tag X-Tag\n    Retry_Limit 5\n')), { retryDelayMs: () => 5 });
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }], { tag: 'app\r\nX-Injected: 1' });
    run.pipeline.push([{ a: 2 }], { tag: 'app.ok' });
    await run.pipeline.stop();
    expect(s.requests.map((r) => r.headers['x-tag'])).toEqual(['app.ok']);
    expect(s.requests.some((r) => 'x-injected' in r.headers)).toBe(false);
    const m = run.pipeline.metrics().output['http.0']!;
    expect(m.counters['retries'] ?? 0).toBe(0);
    const reasons = Object.keys(m.dropped);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^error: tag "app\\r\\nX-Injected: 1" cannot be sent in header X-Tag/);
  });

  it('json_lines with gzip, epoch date under another key', async () => {
    const s = await sink();
    const run = capture(planFrom(conf(s.port, '    Format json_lines\n    Compress gzip\n    json_date_key ts\n    json_date_format epoch\n')));
    await run.pipeline.start();
    run.pipeline.push([{ time: T, record: { a: 1 } }, { time: T, record: { a: 2 } }]);
    await run.pipeline.stop();
    const r = s.requests[0]!;
    expect(r.headers['content-type']).toBe('application/x-ndjson');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(r.body).toString()).toBe('{"ts":1700000000,"a":1}\n{"ts":1700000000,"a":2}\n');
  });

  it('retries 5xx, 408 and 429, and drops with the status on other 4xx', async () => {
    const s = await sink([500, 429, 408, 200]);
    const run = capture(planFrom(conf(s.port, '    Retry_Limit 5\n')), { retryDelayMs: () => 5 });
    await run.pipeline.start();
    run.pipeline.push([{ n: 1 }]);
    await new Promise((r) => setTimeout(r, 300));
    await run.pipeline.stop();
    expect(s.requests).toHaveLength(4);
    expect(run.pipeline.metrics().output['http.0']!.counters['retries']).toBe(3);

    const bad = await sink([400]);
    const run2 = capture(planFrom(conf(bad.port, '    Retry_Limit 5\n')), { retryDelayMs: () => 5 });
    await run2.pipeline.start();
    run2.pipeline.push([{ n: 1 }, { n: 2 }]);
    await run2.pipeline.stop();
    expect(bad.requests).toHaveLength(1);
    expect(run2.pipeline.metrics().output['http.0']!.dropped).toEqual({ [`error: 127.0.0.1:${bad.port}, HTTP status=400: nope`]: 2 });
  });

  it('sends a body larger than its socket buffer whole, its Content-Length exact, and the same bytes on a retry', async () => {
    const s = await sink([503, 200]);
    const run = capture(planFrom(conf(s.port, '    Format json_lines\n    Retry_Limit 5\n')), { retryDelayMs: () => 5 });
    await run.pipeline.start();
    // About 1.2 MB: several of the 256 KiB pieces the body is written through.
    const events = Array.from({ length: 4000 }, (_, i) => ({ time: T + BigInt(i) * 1_000_000n, record: { i, text: 'é'.repeat(50) + 'x'.repeat(i % 200) } }));
    run.pipeline.push(events);
    await new Promise((r) => setTimeout(r, 500));
    await run.pipeline.stop();
    expect(s.requests).toHaveLength(2);
    const expected = events.map((e, i) => `{"date":${(1_700_000_000.5 + i / 1000).toFixed(3).replace(/0+$/, '').replace(/\.$/, '.0')},${JSON.stringify(e.record).slice(1)}\n`).join('');
    for (const r of s.requests) {
      expect(Number(r.headers['content-length'])).toBe(r.body.length);
      expect(r.body.toString()).toBe(expected);
    }
  });

  it('retries when nothing listens, with the address in the reason', async () => {
    const s = await sink();
    await new Promise((r) => s.server.close(r));
    const run = capture(planFrom(conf(s.port, '    Retry_Limit no_retries\n')));
    await run.pipeline.start();
    run.pipeline.push([{ n: 1 }]);
    await run.pipeline.stop();
    const dropped = Object.keys(run.pipeline.metrics().output['http.0']!.dropped);
    expect(dropped[0]).toMatch(new RegExp(`^retries exhausted: 127\\.0\\.0\\.1:${s.port}: connect ECONNREFUSED`));
  });

  it('refuses the formats it cannot write', () => {
    expect(() => planFrom(conf(1, '    Format msgpack\n'))).toThrow(/format msgpack is not supported by logferry's http output/);
  });
});

describe('http output: AWS SigV4 (aws_auth)', () => {
  it('signs each request with the aws_ credentials, region and service, over the Host header it sends', async () => {
    const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'], token: process.env['AWS_SESSION_TOKEN'] };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'token-2' });
    try {
      const s = await sink();
      const run = capture(planFrom(conf(s.port, '    aws_auth on\n    aws_service aps\n    aws_region us-west-2\n    http_method PUT\n    uri /workspaces/ws-1/api/v1/remote_write\n    Header X-Team platform\n')));
      await run.pipeline.start();
      run.pipeline.push([{ time: T, record: { a: 1 } }]);
      await run.pipeline.stop();
      const r = s.requests[0]!;
      const auth = String(r.headers['authorization']);
      expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/aps\/aws4_request, SignedHeaders=/);
      expect(auth).toContain('x-team');
      expect(r.headers['host']).toBe(`127.0.0.1:${s.port}`);
      expect(r.headers['x-amz-security-token']).toBe('token-2');
      const signedNames = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
      const headers: Record<string, string> = {};
      for (const n of signedNames) headers[n] = String(r.headers[n]);
      const d = String(r.headers['x-amz-date']);
      const signingDate = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
      const signer = new SignatureV4({
        service: 'aps',
        region: 'us-west-2',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token-2' },
        sha256: Hash.bind(null, 'sha256'),
      });
      const again = await signer.sign(new HttpRequest({ method: 'PUT', protocol: 'https:', hostname: '127.0.0.1', path: r.url, headers, body: r.body }), { signingDate });
      expect(again.headers['authorization']).toBe(auth);
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_SESSION_TOKEN', saved.token]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('refuses aws_auth without aws_service, as Fluent Bit does at start', () => {
    expect(() => planFrom(conf(1, '    aws_auth on\n    aws_region eu-west-1\n'))).toThrow(/aws_auth option requires aws_service/);
  });
});
