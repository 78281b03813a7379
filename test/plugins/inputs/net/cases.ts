/**
 * The requests of the tcp and http input golden files (fixtures/fluent-bit-4.2.8/net-inputs.json):
 * one configuration, one list of cases, one driver that sends them, used both to record Fluent
 * Bit 4.2.8's answers (record-fluent-bit.ts) and to replay them against logferry (golden.test.ts).
 * Every payload carries its case's marker (`~h01~`), so each record is attributed to its case
 * whatever order the output writes tags in.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';

/** The ports of the inputs of the golden configuration. */
export interface NetPorts {
  readonly http: number;
  readonly httpKeyed: number;
  readonly tcpJson: number;
  readonly tcpSource: number;
  readonly tcpNone: number;
  readonly tcpTab: number;
  readonly tcpSmall: number;
}

export const PORT_NAMES = ['http', 'httpKeyed', 'tcpJson', 'tcpSource', 'tcpNone', 'tcpTab', 'tcpSmall'] as const satisfies readonly (keyof NetPorts)[];

/** The [SERVICE] and [INPUT] sections; the caller adds its output (Fluent Bit: file, logferry: lib). */
export function inputsConfig(p: NetPorts): string {
  const input = (lines: readonly string[]) => `[INPUT]\n${lines.map((l) => `    ${l}\n`).join('')}`;
  return [
    '[SERVICE]\n    Flush 0.2\n    Log_Level info\n',
    input(['Name http', 'Listen 127.0.0.1', `Port ${p.http}`, 'Tag http.default']),
    input(['Name http', 'Listen 127.0.0.1', `Port ${p.httpKeyed}`, 'Tag http.keyed', 'Tag_Key service', 'Successful_Response_Code 200', 'Buffer_Max_Size 2k', 'Success_Header X-Ok yes']),
    input(['Name tcp', 'Listen 127.0.0.1', `Port ${p.tcpJson}`, 'Tag tcp.json']),
    input(['Name tcp', 'Listen 127.0.0.1', `Port ${p.tcpSource}`, 'Tag tcp.src', 'Source_Address_Key src']),
    input(['Name tcp', 'Listen 127.0.0.1', `Port ${p.tcpNone}`, 'Tag tcp.none', 'Format none']),
    input(['Name tcp', 'Listen 127.0.0.1', `Port ${p.tcpTab}`, 'Tag tcp.tab', 'Format none', 'Separator \\t']),
    input(['Name tcp', 'Listen 127.0.0.1', `Port ${p.tcpSmall}`, 'Tag tcp.small', 'Chunk_Size 1', 'Buffer_Size 2']),
  ].join('');
}

interface HttpCase {
  readonly kind: 'http';
  readonly id: string;
  readonly about: string;
  readonly port: keyof NetPorts;
  readonly method?: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text, or base64 of bytes when `gzip` (the text is gzipped when sent). */
  readonly body: string;
  readonly gzip?: boolean;
}

interface TcpCase {
  readonly kind: 'tcp';
  readonly id: string;
  readonly about: string;
  readonly port: keyof NetPorts;
  /** Written in order, 50 ms apart; the connection stays open until the answer is read. */
  readonly writes: readonly string[];
}

export type NetCase = HttpCase | TcpCase;

/** What the server did: an HTTP status, body and the headers that matter; for tcp, whether it closed the connection. */
export type NetAnswer = { readonly status: number; readonly body: string; readonly xOk?: string } | { readonly closed: boolean };

const JSON_TYPE = { 'content-type': 'application/json' } as const;
const m = (n: number, kind: 'h' | 't') => `~${kind}${String(n).padStart(2, '0')}~`;

export const NET_CASES: readonly NetCase[] = [
  { kind: 'http', id: m(1, 'h'), about: 'an object to / takes the input Tag', port: 'http', path: '/', headers: JSON_TYPE, body: `{"c":"${m(1, 'h')}","n":1,"f":1.5,"b":true,"z":null}` },
  { kind: 'http', id: m(2, 'h'), about: 'an array of objects: one record each, tag from the path', port: 'http', path: '/app.log', headers: JSON_TYPE, body: `[{"c":"${m(2, 'h')}","i":1},{"c":"${m(2, 'h')}","i":2}]` },
  { kind: 'http', id: m(3, 'h'), about: 'JSON lines: concatenated objects', port: 'http', path: '/lines', headers: JSON_TYPE, body: `{"c":"${m(3, 'h')}","i":1}\n{"c":"${m(3, 'h')}","i":2}\n` },
  { kind: 'http', id: m(4, 'h'), about: 'not JSON', port: 'http', path: '/', headers: JSON_TYPE, body: `this is not json ${m(4, 'h')}` },
  { kind: 'http', id: m(5, 'h'), about: 'truncated JSON', port: 'http', path: '/', headers: JSON_TYPE, body: `{"c":"${m(5, 'h')}","i":` },
  { kind: 'http', id: m(6, 'h'), about: 'a form', port: 'http', path: '/form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `c=${m(6, 'h')}&msg=hello%20world+x&empty=&novalue&=skip` },
  { kind: 'http', id: m(7, 'h'), about: 'text/plain is refused', port: 'http', path: '/', headers: { 'content-type': 'text/plain' }, body: `{"c":"${m(7, 'h')}"}` },
  { kind: 'http', id: m(8, 'h'), about: 'a charset parameter on application/json', port: 'http', path: '/', headers: { 'content-type': 'application/json; charset=utf-8' }, body: `{"c":"${m(8, 'h')}"}` },
  { kind: 'http', id: m(9, 'h'), about: 'GET is refused', port: 'http', method: 'GET', path: '/', headers: {}, body: '' },
  { kind: 'http', id: m(10, 'h'), about: 'characters of the path outside [A-Za-z0-9_.] become _; the query string is not in the tag', port: 'http', path: '/my-app/v1.log?x=1', headers: JSON_TYPE, body: `{"c":"${m(10, 'h')}"}` },
  { kind: 'http', id: m(11, 'h'), about: 'no body', port: 'http', path: '/', headers: JSON_TYPE, body: '' },
  { kind: 'http', id: m(12, 'h'), about: 'a top-level number after an object', port: 'http', path: '/', headers: JSON_TYPE, body: `{"c":"${m(12, 'h')}"} 5` },
  { kind: 'http', id: m(13, 'h'), about: 'an object after an array is not read', port: 'http', path: '/', headers: JSON_TYPE, body: `[{"c":"${m(13, 'h')}","i":1}] {"c":"${m(13, 'h')}","i":2}` },
  { kind: 'http', id: m(14, 'h'), about: 'an array holding a string', port: 'http', path: '/', headers: JSON_TYPE, body: `[{"c":"${m(14, 'h')}","i":1}, "${m(14, 'h')} text"]` },
  { kind: 'http', id: m(15, 'h'), about: 'a gzip body', port: 'http', path: '/gz', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: `{"c":"${m(15, 'h')}","zipped":true}`, gzip: true },
  { kind: 'http', id: m(16, 'h'), about: 'tag_key: a string value is the tag (sanitized), else the path or Tag; 200 and the success header', port: 'httpKeyed', path: '/', headers: JSON_TYPE, body: `[{"c":"${m(16, 'h')}","service":"svc a"},{"c":"${m(16, 'h')}","service":7},{"c":"${m(16, 'h')}"}]` },
  { kind: 'http', id: m(17, 'h'), about: 'a body beyond Buffer_Max_Size', port: 'httpKeyed', path: '/', headers: JSON_TYPE, body: `{"c":"${m(17, 'h')}","pad":"${'x'.repeat(3000)}"}` },
  { kind: 'http', id: m(18, 'h'), about: 'a nested tag_key value is not a string', port: 'httpKeyed', path: '/p', headers: JSON_TYPE, body: `{"c":"${m(18, 'h')}","service":{"a":1}}` },
  { kind: 'tcp', id: m(1, 't'), about: 'concatenated objects, split across writes', port: 'tcpJson', writes: [`{"c":"${m(1, 't')}","i":1}{"c":"${m(1, 't')}",`, `"i":2}\n{"c":"${m(1, 't')}","i":3}\n`] },
  { kind: 'tcp', id: m(2, 't'), about: 'an array is one record under msg', port: 'tcpJson', writes: [`[{"c":"${m(2, 't')}","i":1},{"c":"${m(2, 't')}","i":2}]`] },
  { kind: 'tcp', id: m(3, 't'), about: 'invalid JSON is skipped, the connection stays open and the next message is read', port: 'tcpJson', writes: [`{bad ${m(3, 't')}}\n`, `{"c":"${m(3, 't')}","after":true}\n`] },
  { kind: 'tcp', id: m(4, 't'), about: 'an incomplete object is not emitted', port: 'tcpJson', writes: [`{"c":"${m(4, 't')}","i":1}{"c":"${m(4, 't')}","i":`] },
  { kind: 'tcp', id: m(5, 't'), about: 'the remote address under Source_Address_Key (object, then array)', port: 'tcpSource', writes: [`{"c":"${m(5, 't')}"}`, `["${m(5, 't')}"]`] },
  { kind: 'tcp', id: m(6, 't'), about: 'format none with the default separator', port: 'tcpNone', writes: [`${m(6, 't')} one\n${m(6, 't')} two\r\n`, `${m(6, 't')} three\n${m(6, 't')} partial`] },
  { kind: 'tcp', id: m(7, 't'), about: 'format none with Separator \\t', port: 'tcpTab', writes: [`${m(7, 't')} a\t${m(7, 't')} b\n\t`] },
  { kind: 'tcp', id: m(8, 't'), about: 'a message beyond Buffer_Size closes the connection', port: 'tcpSmall', writes: [`{"c":"${m(8, 't')}","pad":"${'x'.repeat(3000)}"}`] },
  { kind: 'tcp', id: m(9, 't'), about: 'a message within Buffer_Size after a buffer grows', port: 'tcpSmall', writes: [`{"c":"${m(9, 't')}","pad":"${'y'.repeat(1500)}"}`] },
  { kind: 'tcp', id: m(10, 't'), about: 'invalid JSON then an object in one write', port: 'tcpJson', writes: [`{bad}\n{"c":"${m(10, 't')}","i":1}\n`] },
  { kind: 'tcp', id: m(11, 't'), about: 'a top-level number then an object', port: 'tcpJson', writes: [`{"c":"${m(11, 't')}","i":0} 5\n{"c":"${m(11, 't')}","i":1}\n`, `{"c":"${m(11, 't')}","i":2}\n`] },
  { kind: 'tcp', id: m(12, 't'), about: 'format none: empty records between separators', port: 'tcpTab', writes: [`${m(12, 't')} a\t\t${m(12, 't')} b\t`, `${m(12, 't')} c\t`] },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sendHttp(c: HttpCase, port: number): Promise<NetAnswer> {
  const body = c.gzip ? gzipSync(c.body) : Buffer.from(c.body);
  return new Promise((resolve) => {
    const headers = { ...c.headers, ...(body.length > 0 || c.method === undefined ? { 'content-length': String(body.length) } : {}) };
    const req = request({ host: '127.0.0.1', port, method: c.method ?? 'POST', path: c.path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const xOk = res.headers['x-ok'];
        resolve({ status: res.statusCode ?? 0, body: text, ...(typeof xOk === 'string' ? { xOk } : {}) });
      });
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(body);
  });
}

async function sendTcp(c: TcpCase, port: number): Promise<NetAnswer> {
  const socket = connect({ host: '127.0.0.1', port });
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  socket.resume();
  await new Promise<void>((r) => socket.once('connect', () => r()));
  for (const w of c.writes) {
    if (!closed) socket.write(w);
    await sleep(50);
  }
  await sleep(300);
  const answer = { closed };
  socket.destroy();
  return answer;
}

/** Sends every case at once (each on its own connection); the answers by case id. */
export async function sendAll(ports: NetPorts): Promise<Record<string, NetAnswer>> {
  const answers = await Promise.all(NET_CASES.map((c) => (c.kind === 'http' ? sendHttp(c, ports[c.port]) : sendTcp(c, ports[c.port]))));
  return Object.fromEntries(NET_CASES.map((c, i) => [c.id, answers[i]!]));
}

/** An emitted record as the golden file keeps it: its tag and body, the remote port replaced. */
export interface TaggedRecord {
  readonly tag: string;
  readonly record: unknown;
}

/** The records of each case, in the order received; a record carrying no case marker fails. */
export function byCase(records: readonly TaggedRecord[]): Record<string, TaggedRecord[]> {
  const out: Record<string, TaggedRecord[]> = Object.fromEntries(NET_CASES.map((c) => [c.id, []]));
  for (const r of records) {
    const text = JSON.stringify(r.record);
    const c = NET_CASES.find((x) => text.includes(x.id));
    if (!c) throw new Error(`a record of no case: ${r.tag} ${text}`);
    out[c.id]!.push({ tag: r.tag, record: JSON.parse(text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')) as unknown });
  }
  return out;
}
