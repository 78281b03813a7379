/**
 * The Node floor of `rss-steady`: the least a Node.js program can do for the scenario's work, run
 * by the same Node with the same settings as logferry, so that every run shows how much of
 * logferry's resident memory and CPU is Node itself (bench/NOTES.md, "The Node floor").
 *
 * The program reads the scenario's own configuration (HTTP_Port, dummy's Rate, Copies and Dummy)
 * and does only this: `Rate` times `Copies` records a second (the ticks due in each 50 ms written at
 * one wake-up, as logferry's dummy does from Rate 40, so that timer wake-ups cost no more),
 * `["<time in ns>",<Dummy>]\n` as logferry's chunks hold them, into a 2 MB buffer that a
 * once-a-second flush empties (logferry's chunk size and Flush 1), and it answers
 * `/api/v1/metrics` with its count, as the agents do, so the bench measures it like them. No
 * parsing, no filters, no routing, no accounting, no configuration engine: no agent can do less.
 * Node's builtins are taken as CommonJS modules (process.getBuiltinModule), as logferry takes
 * node:http: the ES module facade of node:http reads its lazy exports and loads undici, http2, tls
 * and crypto, 9-10 MB more (bench/NOTES.md, "The Node floor").
 */

import { CHUNK_FULL_BYTES } from '../engine/chunk.js';
import { DUMMY_WAKE_MS } from '../plugins/inputs/dummy/dummy-input.js';

/** The program, an ES module given to `node --input-type=module -e`; the bench appends `-c <config>`. */
export const NODE_FLOOR_SOURCE = `
const { readFileSync } = process.getBuiltinModule('node:fs');
const { createServer } = process.getBuiltinModule('node:http');
const config = readFileSync(process.argv[process.argv.indexOf('-c') + 1], 'utf8');
const setting = (name) => {
  const m = new RegExp('^\\\\s*' + name + '\\\\s+(.+?)\\\\s*$', 'mi').exec(config);
  if (m === null) throw new Error('node floor: no ' + name + ' in the configuration');
  return m[1];
};
const rate = Number(setting('Rate'));
const copies = Number(setting('Copies'));
const tail = ',' + JSON.stringify(JSON.parse(setting('Dummy'))) + ']\\n';
const chunk = Buffer.allocUnsafeSlow(${CHUNK_FULL_BYTES});
let used = 0;
let records = 0;
const period = Math.max(1000 / rate, ${DUMMY_WAKE_MS});
const start = performance.now();
let ticks = 0;
setInterval(() => {
  for (const due = Math.floor(((performance.now() - start) * rate) / 1000); ticks < due; ticks++) {
    for (let i = 0; i < copies; i++) {
      used += chunk.write('["' + process.hrtime.bigint() + '"' + tail, used, 'latin1');
      records++;
    }
  }
}, period);
setInterval(() => { used = 0; }, 1000);
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ input: { 'dummy.0': { records } }, output: { 'null.0': { proc_records: records } } }));
});
server.listen(Number(setting('HTTP_Port')), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  process.stderr.write('[node floor] stopped\\n');
  process.exit(0);
});
`;

/** The command that runs the floor with `node` (the bench appends `-c <config>`). */
export function nodeFloorCommand(node: string): string[] {
  // `--`: node would read the `-c` that follows as its own --check.
  return [node, '--input-type=module', '-e', NODE_FLOOR_SOURCE, '--'];
}
