#!/usr/bin/env node
/**
 * Records the expected.jsonl of golden cases (fixtures/filters/<case>/, fixtures/pipeline/<case>/)
 * by running them on a real Fluent Bit:
 *
 *   FLUENT_BIT=/work/fb-src/build/bin/fluent-bit node scripts/record-fluent-bit-golden.mjs fixtures/filters/lua-*
 *
 * Each case's fluent-bit.conf runs with its `lib` output replaced by a `file` output in msgpack
 * format (the chunk bytes: exact times) in a temp dir, from the case directory (relative paths
 * resolve as in the test), with WORK, WORK_TAG-free inputs, the case's env and its steps (write,
 * append, sleep, wait for N records). The case runs RUNS times (default 3): values and times must be
 * the same in every run, or the script stops. A row gets "keyOrder": "any" (the test compares that
 * record's keys as a set) where its key order differs between runs, and, when case.json says
 * "rebuiltKeyOrder": "any", where the record is not one of the input lines as written: a lua filter's
 * rebuilt tables come back in LuaJIT's hash order, whose string hashes are seeded per process.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addExtension, unpackMultiple } from 'msgpackr';

const FLUENT_BIT = process.env.FLUENT_BIT ?? '/work/fb-src/build/bin/fluent-bit';
const RUNS = Number(process.env.RUNS ?? 3);

class EventTime {
  constructor(sec, nsec) {
    this.sec = sec;
    this.nsec = nsec;
  }
}
// Decoding only: an unpack function for ext type 0 (EventTime).
addExtension({ type: 0, unpack: (b) => new EventTime(b.readUInt32BE(0), b.readUInt32BE(4)) });

function timeText(t) {
  if (t instanceof EventTime) return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
  const sec = Math.trunc(t);
  return `${sec}.${String(Math.round((t - sec) * 1e9)).padStart(9, '0')}`;
}

function readRecords(outDir) {
  const rows = [];
  if (!existsSync(outDir)) return rows;
  for (const tag of readdirSync(outDir).sort()) {
    const bytes = readFileSync(join(outDir, tag));
    if (bytes.length === 0) continue;
    for (const ev of unpackMultiple(bytes)) {
      const head = ev[0];
      const time = Array.isArray(head) ? head[0] : head;
      rows.push({ tag, time: timeText(time), record: ev[1] });
    }
  }
  return rows;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(cond, ms) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(50);
}

async function runOnce(dir) {
  const spec = existsSync(join(dir, 'case.json')) ? JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) : {};
  const work = mkdtempSync(join(tmpdir(), 'fb-golden-'));
  const outDir = join(work, 'out');
  mkdirSync(outDir);
  const fbWork = join(work, 'work');
  mkdirSync(fbWork);
  if (existsSync(join(dir, 'input'))) cpSync(join(dir, 'input'), fbWork, { recursive: true });
  const conf = readFileSync(join(dir, 'fluent-bit.conf'), 'utf8').replace(
    /\[OUTPUT\]\n(?:[ \t]+.*\n?)*/g,
    (section) => (/^\s*Name\s+lib\s*$/im.test(section) ? `[OUTPUT]\n    Name   file\n    Match  *\n    Path   ${outDir}\n    Format msgpack\n` : section),
  );
  const confPath = join(work, 'fluent-bit.conf');
  writeFileSync(confPath, conf);
  const env = { ...process.env, HOSTNAME: 'golden-host', WORK: fbWork, ...spec.env };
  const fb = spawn(FLUENT_BIT, ['-c', confPath], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  fb.stdout.on('data', (d) => (log += d));
  fb.stderr.on('data', (d) => (log += d));
  await sleep(1500);
  const at = (p) => join(fbWork, p);
  for (const step of spec.steps ?? []) {
    if ('write' in step) writeFileSync(at(step.write), step.text);
    else if ('append' in step) appendFileSync(at(step.append), step.text);
    else if ('sleep' in step) await sleep(step.sleep);
    else if ('wait' in step) await until(() => readRecords(outDir).length >= step.wait, 10_000);
    else throw new Error(`${dir}: step ${JSON.stringify(step)} is not supported by the recorder`);
  }
  await sleep(3000);
  fb.kill('SIGTERM');
  await new Promise((r) => fb.once('exit', r));
  const rows = readRecords(outDir);
  rmSync(work, { recursive: true, force: true });
  return { rows, log };
}

/** Keys sorted at every level: the record as a set of keys. */
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

/** The input records as written (input files and the text of steps), as JSON text. */
function inputLines(dir, spec) {
  const texts = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else texts.push(readFileSync(join(d, e.name), 'utf8'));
    }
  };
  if (existsSync(join(dir, 'input'))) walk(join(dir, 'input'));
  for (const step of spec.steps ?? []) if (typeof step.text === 'string') texts.push(step.text);
  const lines = new Set();
  for (const line of texts.join('\n').split('\n')) {
    try {
      lines.add(JSON.stringify(JSON.parse(line)));
    } catch {
      // not a JSON line
    }
  }
  return lines;
}

for (const arg of process.argv.slice(2)) {
  const dir = resolve(arg);
  const spec = existsSync(join(dir, 'case.json')) ? JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) : {};
  const asWritten = spec.rebuiltKeyOrder === 'any' ? inputLines(dir, spec) : undefined;
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(dir));
  const first = runs[0].rows;
  for (const run of runs.slice(1)) {
    const a = JSON.stringify(first.map((r) => ({ ...r, record: canonical(r.record) })));
    const b = JSON.stringify(run.rows.map((r) => ({ ...r, record: canonical(r.record) })));
    if (a !== b) {
      console.error(`${arg}: runs differ beyond key order\n${a}\n${b}\n${run.log}`);
      process.exit(1);
    }
  }
  const lines = first.map((row, i) => {
    const text = JSON.stringify(row.record);
    const stable = runs.every((run) => JSON.stringify(run.rows[i].record) === text) && (asWritten === undefined || asWritten.has(text));
    return JSON.stringify({ tag: row.tag, time: row.time, record: row.record, ...(stable ? {} : { keyOrder: 'any' }) });
  });
  writeFileSync(join(dir, 'expected.jsonl'), lines.map((l) => `${l}\n`).join(''));
  console.log(`${arg}: ${first.length} records, ${lines.filter((l) => l.includes('"keyOrder":"any"')).length} compared as key sets`);
  if (process.env.SHOW_LOG) console.log(runs[0].log);
}
