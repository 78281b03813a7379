import { ChunkBatch } from './src/record/batch.js';
import { EncodedRecords } from './src/record/encoded.js';
import { BulkFormatter } from './src/plugins/outputs/es/bulk.js';
import { opensearchDocumentId, esDocumentId } from './src/plugins/outputs/es/document-id.js';
import { formatLine } from './src/plugins/outputs/file/file-output.js';
import { BASE } from './test/plugins/outputs/es/bulk-options.js';

const events = [];
let size = 0;
for (let i = 0; size < 2 * 1024 * 1024; i++) {
  const record = { log: `2026-12-07T15:00:00.000Z INFO request ${i} served in ${i % 97} ms path=/api/v1/items/${i * 7}`, stream: 'stdout', logtag: 'F',
    kubernetes: { pod_name: `web-${i % 13}`, namespace_name: 'payments', 'app.kubernetes.io/name': 'web', container_name: 'app', host: 'ip-10-0-0-1' } };
  events.push({ time: 1_765_119_600_000_000_000n + BigInt(i) * 1000n, record });
  size += JSON.stringify(record).length + 24;
}
const records = EncodedRecords.from(events);
console.log(`records ${records.count}, bytes ${records.byteLength}`);
function rate(name: string, f: () => void) {
  for (let w = 0; w < 2; w++) f();
  let n = 0; const t0 = performance.now();
  while (performance.now() - t0 < 1500) { f(); n++; }
  const s = (performance.now() - t0) / 1000;
  console.log(`${name}: ${Math.round(n * records.count / s).toLocaleString('en')} records/s`);
}
const fmt = (o: object, fl: 'es' | 'opensearch') => { const f = new BulkFormatter({ ...BASE, ...o }, fl); return () => { const b = new ChunkBatch('kube.var', records); f.format('kube.var', b.events, 0n); }; };
rate('es default', fmt({}, 'es'));
rate('es include_tag_key+suppress', fmt({ include_tag_key: true, suppress_type_name: true }, 'es'));
rate('es logstash', fmt({ logstash_format: true }, 'es'));
rate('es replace_dots', fmt({ replace_dots: true }, 'es'));
rate('es logstash_prefix_key', fmt({ logstash_format: true, logstash_prefix_key: "$kubernetes['namespace_name']" }, 'es'));
rate('es generate_id', fmt({ generate_id: true }, 'es'));
rate('opensearch generate_id', fmt({ generate_id: true }, 'opensearch'));
const packed = Buffer.from(JSON.stringify(events[0]!.record));
let k = 0; const ids = (f: (b: Uint8Array) => string) => () => { for (let i = 0; i < records.count; i++) k += f(packed).length; };
rate('xxh3 ids alone (' + packed.length + ' B)', ids(opensearchDocumentId));
rate('murmur ids alone', ids(esDocumentId));
const o = { delimiter: ',', labelDelimiter: ':', template: '{time} {log}' };
for (const format of ['out_file', 'plain', 'csv'] as const) rate(`file ${format}`, () => { const b = new ChunkBatch('kube.var', records); let t = ''; for (const e of b.events) t += formatLine(format, 'kube.var', e, o, false); });
