import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import { esDocumentId, opensearchDocumentIds, packDocument } from '../../../../src/plugins/outputs/es/document-id.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { bulkServer, type BulkServer, type BulkServerOptions } from './bulk-server.js';

const servers: BulkServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: BulkServerOptions = {}): Promise<BulkServer> {
  const s = await bulkServer(options);
  servers.push(s);
  return s;
}

function conf(port: number, extra = '', name = 'es'): string {
  return `[SERVICE]\n    Flush 0.05\n    Grace 2\n[INPUT]\n    Name lib\n    Tag  app.web\n[OUTPUT]\n    Name ${name}\n    Match *\n    Host 127.0.0.1\n    Port ${port}\n${extra}`;
}

/** 2023-11-14T22:13:20.500123456Z */
const T = 1_700_000_000_500_123_456n;

async function run(port: number, extra: string, records: Record<string, unknown>[], name = 'es') {
  const r = capture(planFrom(conf(port, extra, name)), { retryDelayMs: () => 5 });
  await r.pipeline.start();
  r.pipeline.push(records.map((record) => ({ time: T, record })));
  // Let the engine's retries (5 ms apart) run before shutdown.
  for (let i = 0; i < 100 && r.pipeline.metrics().buffered_records > 0; i++) await new Promise((w) => setTimeout(w, 20));
  await r.pipeline.stop();
  return r;
}

describe('es output: request bodies', () => {
  it('writes create actions into Index with _type and @timestamp first (defaults)', async () => {
    const s = await server();
    await run(s.port, '', [{ a: 1 }, { b: 'x', n: null }]);
    expect(s.requests).toHaveLength(1);
    const r = s.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/_bulk');
    expect(r.headers['content-type']).toBe('application/x-ndjson');
    expect(r.text).toBe(
      '{"create":{"_index":"fluent-bit","_type":"_doc"}}\n{"@timestamp":"2023-11-14T22:13:20.500Z","a":1}\n' +
        '{"create":{"_index":"fluent-bit","_type":"_doc"}}\n{"@timestamp":"2023-11-14T22:13:20.500Z","b":"x","n":null}\n',
    );
  });

  it('Logstash_Format, prefix, separator, date format, Suppress_Type_Name, Time_Key, nanos, Include_Tag_Key', async () => {
    const s = await server();
    await run(
      s.port,
      '    Logstash_Format On\n    Logstash_Prefix app\n    Logstash_Prefix_Separator _\n    Logstash_DateFormat %Y-%m\n    Suppress_Type_Name On\n' +
        '    Time_Key ts\n    Time_Key_Format %Y/%m/%d %H:%M:%S\n    Time_Key_Nanos On\n    Include_Tag_Key On\n    Tag_Key _tag\n',
      [{ msg: 'hi' }],
    );
    expect(s.requests[0]!.text).toBe('{"create":{"_index":"app_2023-11"}}\n{"ts":"2023/11/14 22:13:20.500123456Z","_tag":"app.web","msg":"hi"}\n');
  });

  it('Logstash_Prefix_Key takes the prefix from the record when present (nested with an accessor)', async () => {
    const s = await server();
    await run(s.port, "    Logstash_Format On\n    Logstash_Prefix_Key $kubernetes['namespace_name']\n    Suppress_Type_Name On\n", [
      { kubernetes: { namespace_name: 'payments' } },
      { other: 1 },
    ]);
    expect(s.requests[0]!.pairs.map((p) => p.action['create']!['_index'])).toEqual(['payments-2023.11.14', 'logstash-2023.11.14']);
  });

  it('Replace_Dots replaces dots in keys at every depth, arrays included', async () => {
    const s = await server();
    await run(s.port, '    Replace_Dots On\n    Suppress_Type_Name On\n', [{ 'a.b': { 'c.d': [{ 'e.f': 1 }, 'x.y'] } }]);
    expect(s.requests[0]!.text.split('\n')[1]).toBe('{"@timestamp":"2023-11-14T22:13:20.500Z","a_b":{"c_d":[{"e_f":1},"x.y"]}}');
  });

  it('Generate_ID sets _id to MurmurHash3 of the packed document, the same on every retry', async () => {
    const s = await server({ statuses: [[503, 'busy']] });
    await run(s.port, '    Generate_ID On\n    Retry_Limit 3\n', [{ a: 1 }, { a: 2 }]);
    expect(s.requests).toHaveLength(2);
    const ids = s.requests.map((r) => r.pairs.map((p) => p.action['create']!['_id']));
    expect(ids[0]).toEqual(ids[1]);
    const expected = esDocumentId(packDocument({ a: 1 }, '@timestamp', '2023-11-14T22:13:20.500Z', undefined, false));
    expect(ids[0]![0]).toBe(expected);
    expect(ids[0]![0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ids[0]![0]).not.toBe(ids[0]![1]);
    // es writes Index as written in action lines with an _id.
    expect(s.requests[0]!.text.startsWith('{"create":{"_index":"fluent-bit","_type":"_doc","_id":"')).toBe(true);
  });

  it('opensearch Generate_ID sets _id to XXH3 128 of the packed document (tag key included)', async () => {
    const s = await server();
    await run(s.port, '    Generate_ID On\n    Include_Tag_Key On\n    Suppress_Type_Name On\n', [{ a: 1 }], 'opensearch');
    const expected = (await opensearchDocumentIds())(packDocument({ a: 1 }, '@timestamp', '2023-11-14T22:13:20.500Z', { key: 'flb-key', value: 'app.web' }, false));
    expect(s.requests[0]!.pairs[0]!.action).toEqual({ create: { _index: 'fluent-bit', _id: expected } });
    expect(expected).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('Write_Operation upsert with Id_Key: update actions with the record key as _id; records without it are skipped and counted', async () => {
    const s = await server();
    const r = await run(s.port, '    Write_Operation upsert\n    Id_Key $meta[\'id\']\n', [{ meta: { id: 'k1' }, v: 1 }, { v: 2 }]);
    expect(s.requests[0]!.text).toBe('{"update":{"_index":"fluent-bit","_type":"_doc","_id":"k1"}}\n{"doc_as_upsert":true,"doc":{"@timestamp":"2023-11-14T22:13:20.500Z","meta":{"id":"k1"},"v":1}}\n');
    expect(r.pipeline.metrics().output['es.0']!.dropped).toEqual({ "es: Id_Key $meta['id'] missing (Write_Operation upsert)": 1 });
  });

  it('Write_Operation index and update; Id_Key with index keeps records without the key (no _id)', async () => {
    const s = await server();
    await run(s.port, '    Write_Operation index\n    Id_Key id\n    Suppress_Type_Name On\n', [{ id: 'x', v: 1 }, { v: 2 }]);
    expect(s.requests[0]!.pairs.map((p) => p.action)).toEqual([{ index: { _index: 'fluent-bit', _id: 'x' } }, { index: { _index: 'fluent-bit' } }]);
    const u = await server();
    await run(u.port, '    Write_Operation update\n    Id_Key id\n    Suppress_Type_Name On\n', [{ id: 'y' }]);
    expect(u.requests[0]!.text).toBe('{"update":{"_index":"fluent-bit","_id":"y"}}\n{"doc":{"@timestamp":"2023-11-14T22:13:20.500Z","id":"y"}}\n');
  });

  it('basic auth, gzip, Path and Pipeline', async () => {
    const s = await server();
    await run(s.port, '    HTTP_User elastic\n    HTTP_Passwd secret\n    Compress gzip\n    Path /es\n    Pipeline my pipe\n', [{ a: 1 }]);
    const r = s.requests[0]!;
    expect(r.url).toBe('/es/_bulk?pipeline=my%20pipe');
    expect(r.headers['authorization']).toBe(`Basic ${Buffer.from('elastic:secret').toString('base64')}`);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.raw[0]).toBe(0x1f);
    expect(r.pairs).toHaveLength(1);
  });

  it('HTTP_API_Key is sent as ApiKey authorization', async () => {
    const s = await server();
    await run(s.port, '    HTTP_API_Key abc==\n', [{ a: 1 }]);
    expect(s.requests[0]!.headers['authorization']).toBe('ApiKey abc==');
  });

  it('the elasticsearch alias runs the es output; opensearch writes /_bulk/?pipeline=', async () => {
    const s = await server();
    const r = await run(s.port, '', [{ a: 1 }], 'elasticsearch');
    expect(s.requests).toHaveLength(1);
    expect(Object.keys(r.pipeline.metrics().output)).toEqual(['elasticsearch.0']);
    const o = await server();
    await run(o.port, '    Pipeline p1\n    Suppress_Type_Name On\n', [{ a: 1 }], 'opensearch');
    expect(o.requests[0]!.url).toBe('/_bulk/?pipeline=p1');
  });

  it('opensearch reads an Index with $ as a record accessor template', async () => {
    const s = await server();
    await run(s.port, "    Index logs-$kubernetes['ns']\n    Suppress_Type_Name On\n", [{ kubernetes: { ns: 'a' } }, { x: 1 }], 'opensearch');
    expect(s.requests[0]!.pairs.map((p) => p.action['create']!['_index'])).toEqual(['logs-a', 'logs-']);
  });
});

describe('es output: replies', () => {
  it('retries only the items that were throttled, in order, and drops mapping errors with their reason', async () => {
    const s = await server({
      decide: (req, item, source) => {
        if (source['n'] === 2) return { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [n]' } };
        if (req === 0 && (source['n'] === 1 || source['n'] === 4)) return { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution' } };
        if (req === 1 && source['n'] === 4) return { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } };
        return undefined;
      },
    });
    const r = await run(s.port, '    Retry_Limit 5\n', [0, 1, 2, 3, 4].map((n) => ({ n })));
    expect(s.requests.map((q) => q.pairs.map((p) => p.source['n']))).toEqual([[0, 1, 2, 3, 4], [1, 4], [4]]);
    expect(s.indexed.map((d) => d['n'])).toEqual([0, 3, 1, 4]);
    const m = r.pipeline.metrics().output['es.0']!;
    expect(m.dropped).toEqual({ 'es: mapper_parsing_exception: failed to parse field [n]': 1 });
    expect(m.counters['retries']).toBe(2);
    expect(r.logs.some((l) => /warn/.test(l) && l.includes('mapper_parsing_exception'))).toBe(true);
  });

  it('treats 409 (document exists) as indexed', async () => {
    const s = await server({ decide: (_r, item) => (item === 0 ? { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'exists' } } : undefined) });
    const r = await run(s.port, '    Generate_ID On\n', [{ a: 1 }, { a: 2 }]);
    expect(s.requests).toHaveLength(1);
    expect(r.pipeline.metrics().output['es.0']!.dropped).toEqual({});
  });

  it('retries the whole request on 5xx and 429; drops the chunk on a 400 for the request', async () => {
    const s = await server({ statuses: [[503, 'unavailable'], [429, 'slow down']] });
    const r = await run(s.port, '    Retry_Limit 5\n', [{ a: 1 }]);
    expect(s.requests).toHaveLength(3);
    expect(s.indexed).toHaveLength(1);
    expect(r.pipeline.metrics().output['es.0']!.counters['retries']).toBe(2);

    const bad = await server({ statuses: [[400, '{"error":"bad"}']] });
    const r2 = await run(bad.port, '    Retry_Limit 5\n', [{ a: 1 }, { a: 2 }]);
    expect(bad.requests).toHaveLength(1);
    expect(r2.pipeline.metrics().output['es.0']!.dropped).toEqual({ [`error: 127.0.0.1:${bad.port}, HTTP status=400: {"error":"bad"}`]: 2 });
  });

  it('Trace_Error logs the refused item with its action and source; Trace_Output prints the request', async () => {
    const s = await server({ decide: () => ({ status: 400, error: { type: 'illegal_argument_exception', reason: 'bad value' } }) });
    const out: string[] = [];
    const r = capture(planFrom(conf(s.port, '    Trace_Error On\n    Trace_Output On\n')), {
      stdout: { write: (t: string) => (out.push(t), true) } as unknown as NodeJS.WritableStream,
    });
    await r.pipeline.start();
    r.pipeline.push([{ time: T, record: { a: 1 } }]);
    await r.pipeline.stop();
    expect(r.logs.some((l) => l.includes('illegal_argument_exception') && l.includes('"a":1'))).toBe(true);
    expect(out.join('')).toContain('{"@timestamp":"2023-11-14T22:13:20.500Z","a":1}\n');
  });

  it('a reply cut at Buffer_Size still counts when it says errors:false; else the chunk is retried', async () => {
    // The reply starts {"took":1,"errors":false,"items":[ (34 bytes).
    const s = await server();
    const r = await run(s.port, '    Buffer_Size 40\n', [{ a: 1 }]);
    expect(s.requests).toHaveLength(1);
    expect(r.pipeline.metrics().output['es.0']!.dropped).toEqual({});
    const e = await server({ decide: (req) => (req === 0 ? { status: 400, error: { type: 'mapper_parsing_exception', reason: 'x' } } : undefined) });
    const r2 = await run(e.port, '    Buffer_Size 40\n    Retry_Limit 2\n', [{ a: 1 }]);
    expect(e.requests).toHaveLength(2);
    expect(r2.pipeline.metrics().output['es.0']!.dropped).toEqual({});
  });
});

describe('es output: AWS SigV4', () => {
  it('signs with the credentials, region and service; the signature verifies', async () => {
    const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'], token: process.env['AWS_SESSION_TOKEN'] };
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDEXAMPLE';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    process.env['AWS_SESSION_TOKEN'] = 'token-1';
    try {
      const s = await server();
      await run(s.port, '    AWS_Auth On\n    AWS_Region eu-west-1\n    AWS_Service_Name aoss\n    Compress gzip\n    Suppress_Type_Name On\n', [{ a: 1 }], 'opensearch');
      const r = s.requests[0]!;
      const auth = String(r.headers['authorization']);
      expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/aoss\/aws4_request, SignedHeaders=/);
      expect(auth).not.toContain('content-length');
      expect(auth).not.toContain('content-encoding');
      expect(r.headers['host']).toBe('127.0.0.1');
      expect(r.headers['x-amz-security-token']).toBe('token-1');
      expect(r.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
      // Sign the received request again with the same signer and the same date.
      const signedNames = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
      const headers: Record<string, string> = {};
      for (const n of signedNames) headers[n] = String(r.headers[n]);
      const amzDate = String(r.headers['x-amz-date']);
      const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const signer = new SignatureV4({
        service: 'aoss',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token-1' },
        sha256: Hash.bind(null, 'sha256'),
      });
      const again = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'https:', hostname: '127.0.0.1', path: r.url, headers, body: r.raw }), { signingDate: date });
      expect(again.headers['authorization']).toBe(auth);
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_SESSION_TOKEN', saved.token]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('es output: options', () => {
  it('refuses update/upsert without Id_Key or Generate_ID, warns about AWS_Auth true and Cloud_ID', () => {
    expect(() => planFrom(conf(1, '    Write_Operation upsert\n'))).toThrow(/Write_Operation upsert needs Id_Key or Generate_ID/);
    expect(() => planFrom(conf(1, '    Write_Operation delete\n'))).toThrow(/not one of create, index, update, upsert/);
    expect(() => planFrom(conf(1, '    AWS_Auth On\n'))).toThrow(/AWS_Auth On needs AWS_Region/);
    const p = planFrom(conf(1, '    AWS_Auth true\n    Cloud_ID x:eA==\n'));
    expect(p.outputs[0]!.options['aws_auth']).toBe(false);
  });
});

describe.skipIf(!process.env['OPENSEARCH_URL'])('against a real OpenSearch (OPENSEARCH_URL)', () => {
  it('indexes records that can then be searched', async () => {
    const url = new URL(process.env['OPENSEARCH_URL']!);
    const index = `logferry-test-${Date.now()}`;
    const auth = url.username ? `    HTTP_User ${decodeURIComponent(url.username)}\n    HTTP_Passwd ${decodeURIComponent(url.password)}\n` : '';
    const tls = url.protocol === 'https:' ? '    tls On\n    tls.verify Off\n' : '';
    const text = `[SERVICE]\n    Flush 0.05\n    Grace 5\n[INPUT]\n    Name lib\n    Tag app\n[OUTPUT]\n    Name opensearch\n    Match *\n    Host ${url.hostname}\n    Port ${url.port || (url.protocol === 'https:' ? 443 : 9200)}\n    Index ${index}\n    Suppress_Type_Name On\n    Generate_ID On\n${auth}${tls}`;
    const r = capture(planFrom(text));
    await r.pipeline.start();
    r.pipeline.push([{ time: T, record: { n: 1 } }, { time: T, record: { n: 2 } }]);
    await r.pipeline.stop();
    expect(r.pipeline.metrics().output['opensearch.0']!.dropped).toEqual({});
    const headers: Record<string, string> = url.username ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` } : {};
    await fetch(`${url.origin}/${index}/_refresh`, { method: 'POST', headers });
    const res = (await (await fetch(`${url.origin}/${index}/_count`, { headers })).json()) as { count: number };
    expect(res.count).toBe(2);
    await fetch(`${url.origin}/${index}`, { method: 'DELETE', headers });
  });
});
