/**
 * Records fixtures/fluent-bit-4.2.8/net-inputs.json: runs a Fluent Bit binary (FLUENT_BIT, default
 * /work/fb-src/build/bin/fluent-bit) on the golden configuration with a `file` output, sends the
 * cases and keeps the answers and the records (tag and body) of each case. Not a test: run it
 * by hand with `npx tsx test/plugins/inputs/net/record-fluent-bit.ts` when the cases change.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byCase, inputsConfig, NET_CASES, PORT_NAMES, sendAll, type NetPorts, type TaggedRecord } from './cases.js';

const BIN = process.env['FLUENT_BIT'] ?? '/work/fb-src/build/bin/fluent-bit';
const OUT = new URL('../../../../fixtures/fluent-bit-4.2.8/net-inputs.json', import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'fb-net-'));
const ports = Object.fromEntries(PORT_NAMES.map((n, i) => [n, 25170 + i])) as unknown as NetPorts;
writeFileSync(join(dir, 'fb.conf'), `${inputsConfig(ports)}[OUTPUT]\n    Name file\n    Match *\n    Path ${dir}\n    File out.txt\n`);
const fb = spawn(BIN, ['-c', join(dir, 'fb.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
fb.stdout.on('data', (d: Buffer) => (log += d.toString()));
fb.stderr.on('data', (d: Buffer) => (log += d.toString()));
await sleep(1500);
const answers = await sendAll(ports);
await sleep(1500);
fb.kill('SIGTERM');
await new Promise((r) => fb.once('exit', r));
const version = /Fluent Bit v[\d.]+/.exec(log)?.[0] ?? 'unknown';
const records: TaggedRecord[] = readFileSync(join(dir, 'out.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => {
    const match = /^(.*?): \[\d+\.\d+, (.*)\]$/.exec(l);
    if (!match) throw new Error(`unexpected out_file line: ${l}`);
    return { tag: match[1]!, record: JSON.parse(match[2]!) as unknown };
  });
const grouped = byCase(records);
const golden = {
  producedBy: `${version} (${BIN}), out_file's default format read back as tag and record`,
  cases: NET_CASES.map((c) => ({ ...c, answer: answers[c.id], records: grouped[c.id] })),
  log: log.split('\n').filter((l) => /\[ ?(warn|error)\]/.test(l)).map((l) => l.replace(/^\[[^\]]+\] /, '').replace(/fd=\d+/, 'fd=N')),
};
writeFileSync(OUT, `${JSON.stringify(golden, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });
console.log(`wrote ${OUT.pathname}`);
