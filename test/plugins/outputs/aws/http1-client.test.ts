import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCALHOST_CA_FILE, localhostTls, startAwsLocal } from '../../../../src/aws-local/index.js';
import { OUTPUT_COMMON } from '../../../../src/options/common.js';
import { awsClientConfig, toDeliveryError, type AwsOptions } from '../../../../src/plugins/outputs/shared/aws-client.js';
import { AwsJsonClient, BodyUse, FIREHOSE_SERVICE } from '../../../../src/plugins/outputs/shared/aws-json-client.js';
import { AnswerParser, type Http1Answer } from '../../../../src/plugins/outputs/shared/http1-answer.js';
import { Http1Pool, requestHead } from '../../../../src/plugins/outputs/shared/http1-client.js';
import { tableOptions } from '../../../support/check.js';
import { rejection } from '../../../aws-local/clients.js';
import { LOCAL_CREDENTIALS } from './use-aws-local.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** A raw TCP server: `answer` gets each connection's request bytes as they come and writes what it likes. */
async function rawServer(answer: (socket: Socket, request: string, connection: number) => void): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const n = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      // One whole request (head + Content-Length body) at a time.
      for (;;) {
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
        if (text.length < end + 4 + length) return;
        const request = text.slice(0, end + 4 + length);
        text = text.slice(end + 4 + length);
        answer(socket, request, n);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(r))) });
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function pool(port: number, keepAlive = true): Http1Pool {
  const p = new Http1Pool({ host: '127.0.0.1', port, tls: undefined, keepAlive, maxSockets: 2, connectTimeoutMs: 1000, connectTimeout: () => new Error('connect timeout') });
  open.push({ close: () => p.destroy() });
  return p;
}

function post(p: Http1Pool, body = 'hello', timeoutMs = 5000, written: () => void = () => undefined): Promise<Http1Answer> {
  return p.request('POST', '/', { host: 'x', 'content-length': String(Buffer.byteLength(body)) }, Buffer.from(body), timeoutMs, () => Object.assign(new Error('timed out'), { name: 'TimeoutError' }), written);
}

/** The answers the parser gives for `bytes` pushed in pieces cut at `cuts`. */
function parse(bytes: Buffer, cuts: readonly number[]): Http1Answer[] {
  const answers: Http1Answer[] = [];
  const parser = new AnswerParser((a) => answers.push(a));
  const feed = (piece: Buffer) => {
    // What follows an answer in the same piece is the next answer's: pushed again.
    for (let rest = piece; rest.length > 0; ) rest = rest.subarray(parser.push(rest));
  };
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    feed(bytes.subarray(at, cut));
    at = cut;
  }
  feed(bytes.subarray(at));
  return answers;
}

function chunked(body: Buffer, sizes: readonly number[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= body.length) break;
    const piece = body.subarray(at, at + Math.max(1, size));
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    at += piece.length;
  }
  if (at < body.length) parts.push(Buffer.from(`${(body.length - at).toString(16)};ext=1\r\n`), body.subarray(at), Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\nx-trailer: t\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('the answer parser', () => {
  it('reads any answer cut anywhere: Content-Length or chunked bodies, 100 Continue first, two answers back to back', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        fc.array(fc.nat(40), { maxLength: 8 }),
        fc.array(fc.nat(700), { maxLength: 6 }),
        fc.boolean(),
        (data, useChunks, sizes, cuts, continueFirst) => {
          const body = Buffer.from(data);
          const framed = useChunks
            ? Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Amzn-RequestId: r1\r\n\r\n'), chunked(body, sizes)])
            : Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nx-amzn-requestid: r1\r\n\r\n`), body]);
          const second = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
          const bytes = Buffer.concat([continueFirst ? Buffer.from('HTTP/1.1 100 Continue\r\n\r\n') : Buffer.alloc(0), framed, second]);
          const answers = parse(bytes, cuts.map((c) => c % (bytes.length + 1)));
          expect(answers.map((a) => [a.status, a.headers['x-amzn-requestid'], a.body.toString('hex')])).toEqual([
            [200, 'r1', body.toString('hex')],
            [400, undefined, Buffer.from('{}').toString('hex')],
          ]);
        },
      ),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 200) },
    );
  });

  it('refuses what is not HTTP/1.x, with an HPE_* code as Node gives it', () => {
    const cases: [string, string][] = [
      ['HTTX/1.1 200 OK\r\n\r\n', 'HPE_INVALID_CONSTANT'],
      ['HTTP/1.1 20 OK\r\n\r\n', 'HPE_INVALID_CONSTANT'],
      ['HTTP/1.1 200 OK\r\nbad header\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'HPE_UNEXPECTED_CONTENT_LENGTH'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 'HPE_UNEXPECTED_CONTENT_LENGTH'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc', 'HPE_STRICT'],
      [`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(17_000)}`, 'HPE_HEADER_OVERFLOW'],
    ];
    for (const [text, code] of cases) {
      const parser = new AnswerParser(() => undefined);
      let thrown: unknown;
      try {
        parser.push(Buffer.from(text, 'latin1'));
      } catch (err) {
        thrown = err;
      }
      expect([text.slice(0, 40), (thrown as { code?: string } | undefined)?.code]).toEqual([text.slice(0, 40), code]);
    }
  });

  it('a body framed by the end of the connection is whole at the end; any other answer cut short is `socket hang up`', () => {
    const answers: Http1Answer[] = [];
    const untilClose = new AnswerParser((a) => answers.push(a));
    untilClose.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\nall of it'));
    expect(untilClose.end()).toBeUndefined();
    expect(answers[0]?.body.toString()).toBe('all of it');
    expect(untilClose.reusable).toBe(false);
    const cut = new AnswerParser(() => undefined);
    cut.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(cut.end()).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
  });

  it('the request head is what Node writes; a header value Node refuses is refused', () => {
    expect(requestHead('POST', '/p?q', { host: 'h:1', 'content-length': '3' }, true)).toBe('POST /p?q HTTP/1.1\r\nhost: h:1\r\ncontent-length: 3\r\nConnection: keep-alive\r\n\r\n');
    expect(requestHead('POST', '/', {}, false)).toBe('POST / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(() => requestHead('POST', '/', { 'user-agent': 'a\r\nx: injected' }, true)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CHAR' }));
    expect(() => requestHead('POST', '/', { 'bad name': 'v' }, true)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_HTTP_TOKEN' }));
  });
});

describe('the HTTP/1.1 connections', () => {
  it('keep one connection between requests; a `Connection: close` answer or a keep-alive Off pool makes the next one new', async () => {
    const server = await rawServer((socket, request) => {
      const close = request.includes('close-me');
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${close ? 'Connection: close\r\n' : ''}\r\nok`);
    });
    const p = pool(server.port);
    for (let i = 0; i < 3; i++) expect((await post(p)).body.toString()).toBe('ok');
    expect(server.connections()).toBe(1);
    await post(p, 'close-me');
    await post(p);
    expect(server.connections()).toBe(2);
    const noKeepAlive = pool(server.port, false);
    await post(noKeepAlive);
    await post(noKeepAlive);
    expect(server.connections()).toBe(4);
  });

  it('chunked answers written in pieces, and an answer cut short (socket hang up, ECONNRESET) or malformed (HPE_*)', async () => {
    const server = await rawServer((socket, request) => {
      if (request.includes('chunks')) {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r');
        setTimeout(() => socket.write('\n2\r\nde\r\n0\r\n\r\n'), 20);
      } else if (request.includes('cut')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
      else socket.write('HTTP/1.1 OK\r\n\r\n');
    });
    const p = pool(server.port);
    expect((await post(p, 'chunks')).body.toString()).toBe('abcde');
    await expect(post(p, 'cut')).rejects.toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    await expect(post(p, 'malformed')).rejects.toMatchObject({ code: 'HPE_INVALID_CONSTANT' });
    // Still usable afterwards: a new connection.
    expect((await post(p, 'chunks')).body.toString()).toBe('abcde');
  });

  it('bytes nobody asked for drop the idle connection; the next request gets a new one', async () => {
    const server = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA'));
    const p = pool(server.port);
    await post(p);
    await new Promise((r) => setTimeout(r, 50));
    expect((await post(p)).body.toString()).toBe('ok');
    expect(server.connections()).toBe(2);
  });

  it('a server closing an idle keep-alive connection costs nothing: the next request connects again', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const p = pool(server.port);
    await post(p);
    await new Promise((r) => setTimeout(r, 50));
    expect((await post(p)).body.toString()).toBe('ok');
  });

  it('a request unanswered in time fails with the timeout error, its body released and its connection dropped', async () => {
    const server = await rawServer(() => undefined);
    const p = pool(server.port);
    let released = 0;
    await expect(post(p, 'x', 100, () => released++)).rejects.toMatchObject({ name: 'TimeoutError' });
    await new Promise((r) => setTimeout(r, 50));
    expect(released).toBe(1);
  });

  it('waits for a connection when maxSockets are busy, and every request is answered once', async () => {
    const server = await rawServer((socket, request) => setTimeout(() => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${request.length}\r\n\r\n${request}`), 5));
    const p = pool(server.port);
    const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => post(p, `req-${i}`)));
    expect(answers.map((a) => a.body.toString().endsWith(`req-${answers.indexOf(a)}`))).toEqual(Array(9).fill(true));
    expect(server.connections()).toBe(2);
  });
});

describe('the data-plane client over HTTPS against aws-local', () => {
  it('delivers signed requests (their signatures checked), and a certificate it cannot verify is a retryable network error', async () => {
    const aws = await startAwsLocal({ tls: localhostTls(), credentials: { [LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID]: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
    open.push(aws);
    Object.assign(process.env, LOCAL_CREDENTIALS);
    const client = (extra: Partial<AwsOptions>) => {
      const options: AwsOptions = { ...tableOptions(OUTPUT_COMMON), region: 'us-east-1', endpoint: '127.0.0.1', port: aws.port, ...extra };
      const config = awsClientConfig(options, 'http1-test');
      const c = new AwsJsonClient(config, FIREHOSE_SERVICE, async () => new URL(`https://127.0.0.1:${aws.port}`));
      open.push({ close: () => c.destroy() });
      return c;
    };
    const ok = client({ 'tls.ca_file': LOCALHOST_CA_FILE });
    const released: string[] = [];
    for (let i = 0; i < 3; i++) {
      const use = new BodyUse(() => released.push(`body ${i}`));
      const body = JSON.stringify({ DeliveryStreamName: 'tls', Records: [{ Data: Buffer.from(`r${i}`).toString('base64') }] });
      await ok.send('PutRecordBatch', body, use);
      use.finish();
    }
    expect(aws.store.firehoseRecords('tls').map(String)).toEqual(['r0', 'r1', 'r2']);
    expect(released).toEqual(['body 0', 'body 1', 'body 2']);
    const err = await rejection(client({}).send('PutRecordBatch', JSON.stringify({ DeliveryStreamName: 'tls', Records: [] })));
    expect(toDeliveryError(err, 'PutRecordBatch').retryable).toBe(true);
    expect((err as { code?: string }).code).toMatch(/CERT|SELF_SIGNED|UNABLE/);
  });
});
