// Parser and multiline throughput. Prints one JSON line per scenario:
//   {"bench", "lines_per_s", "mb_per_s", "cpu_s", "rss_peak_mb", ...}
// Run with `npm run bench:parsers` (builds first). Each scenario runs in its own process so that
// rss_peak_mb is its own; `node bench/parsers.mjs <scenario>` runs one. Inputs are generated from a
// fixed seed; figures are the best of 3 timed passes after a warm-up pass. On a shared machine the
// wall-clock figures vary with the load; lines_per_cpu_s (lines per second of this process's CPU
// time, GC threads included) is steadier.
import { fork } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);

/** mulberry32: small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua GET POST request handled user id=42 status=ok latency_ms=12'.split(' ');

function sentence(rand, min, max) {
  const n = min + Math.floor(rand() * (max - min));
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(' ');
}

function isoTime(ms, nanos) {
  return new Date(ms).toISOString().slice(0, 19) + '.' + String(nanos).padStart(9, '0');
}

/**
 * Container log lines: messages on stdout (80%) or stderr, `splitRate` of them cut into 2 to
 * `maxParts` fragments; `render(stream, text, last, time)` writes one fragment.
 */
function containerLines(n, seed, splitRate, maxParts, render) {
  const rand = prng(seed);
  const lines = [];
  let ms = Date.UTC(2024, 0, 1);
  while (lines.length < n) {
    const stream = rand() < 0.8 ? 'stdout' : 'stderr';
    const parts = rand() < splitRate ? 2 + Math.floor(rand() * (maxParts - 1)) : 1;
    for (let p = 0; p < parts && lines.length < n; p++) {
      ms += Math.floor(rand() * 3);
      const time = `${isoTime(ms, Math.floor(rand() * 1e9))}Z`;
      lines.push(render(stream, sentence(rand, 6, 20), p === parts - 1, time, rand));
    }
  }
  return flat(lines);
}

/** CRI lines; 1 message in 5 is cut into 2-4 P fragments and an F fragment. */
const criLines = (n) => containerLines(n, 1, 0.2, 4, (stream, text, last, time) => `${time} ${stream} ${last ? 'F' : 'P'} ${text}${last ? '' : ' '}`);

/** Docker json-file lines; 1 message in 10 is cut in two (no trailing \n on the first part). */
const dockerLines = (n) =>
  containerLines(n, 2, 0.1, 2, (stream, text, last, time, rand) => {
    const log = text + (rand() < 0.05 ? ' "quoted"\t' : '') + (last ? '\n' : '');
    return `{"log":${JSON.stringify(log)},"stream":"${stream}","time":"${time}"}`;
  });

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function apacheLines(n, seed = 3) {
  const rand = prng(seed);
  const lines = [];
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  let ms = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    ms += Math.floor(rand() * 4);
    const ip = `${1 + Math.floor(rand() * 254)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`;
    const d = new Date(ms);
    const when = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    const path = `/${sentence(rand, 1, 4).replace(/ /g, '/')}`;
    const agent = rand() < 0.7 ? ` "https://example.com/ref" "Mozilla/5.0 (X11; Linux x86_64) bench/${i % 100}"` : '';
    lines.push(`${ip} - - [${when}] "${methods[i % 4]} ${path} HTTP/1.1" ${200 + (i % 5)} ${Math.floor(rand() * 50000)}${agent}`);
  }
  return flat(lines);
}

/** Lines as a file read gives them: flat strings (generated ones are ropes, slower to scan). */
const flat = (lines) => Buffer.from(lines.join('\n')).toString('utf8').split('\n');

const byteLength = (lines) => lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);

/** Runs `pass` (returning a count of results) once to warm up, then 3 times; reports the best. */
function measure(name, lines, bytes, pass, extra = {}) {
  pass(Math.min(lines, 100_000));
  let best;
  for (let i = 0; i < 3; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const results = pass(lines);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    if (best === undefined || wall < best.wall) best = { wall, cpuS, results };
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      bench: name,
      lines_per_s: Math.round(lines / best.wall),
      mb_per_s: Math.round((bytes / best.wall / 1e6) * 10) / 10,
      cpu_s: Math.round(best.cpuS * 1000) / 1000,
      lines_per_cpu_s: Math.round(lines / best.cpuS),
      rss_peak_mb: Math.round(rss),
      lines,
      results: best.results,
      ...extra,
    }),
  );
}

async function load() {
  const { validateClassic } = await import(join(root, 'dist/config/validate.js'));
  const { createParser } = await import(join(root, 'dist/parsers/runtime/create-parser.js'));
  const { createMultiline } = await import(join(root, 'dist/parsers/multiline/multiline.js'));
  const { LineSplitter } = await import(join(root, 'dist/parsers/lines.js'));
  const { plan } = validateClassic(join(root, 'fixtures/parsers/bench/fluent-bit.conf'), { env: {} });
  return { plan, createParser, createMultiline, LineSplitter };
}

const NOW = BigInt(Date.UTC(2024, 5, 1)) * 1_000_000n;
const BLOCK = 1 << 20;

/** Feeds lines to a multiline stream, handing events over in batches as the tail input would. */
function pushAll(stream, lines, n) {
  const out = [];
  let events = 0;
  for (let i = 0; i < n; i++) {
    stream.push(lines[i], NOW, out);
    if (out.length >= 1024) {
      events += out.length;
      out.length = 0;
    }
  }
  stream.flush(out);
  return events + out.length;
}

function parseAll(parser, lines, n) {
  let ok = 0;
  for (let i = 0; i < n; i++) if (parser.parseRecord(lines[i], NOW) !== undefined) ok++;
  return ok;
}

/** The text as one buffer, cut into 1 MiB blocks (as read from a file). */
function blocks(lines) {
  const all = Buffer.from(lines.join('\n') + '\n');
  const out = [];
  for (let i = 0; i < all.length; i += BLOCK) out.push(all.subarray(i, i + BLOCK));
  return out;
}

const scenarios = {
  async lines() {
    const { LineSplitter } = await load();
    const lines = criLines(LINES);
    const bufs = blocks(lines);
    measure('split-lines', LINES, byteLength(lines), (n) => {
      const splitter = new LineSplitter();
      const out = [];
      let count = 0;
      for (const b of n === LINES ? bufs : bufs.slice(0, Math.ceil(bufs.length / 10))) {
        count += splitter.push(b, out);
        out.length = 0;
      }
      return count;
    }, { block_bytes: BLOCK });
  },
  async 'cri-multiline'() {
    const { createMultiline } = await load();
    const lines = criLines(LINES);
    measure('cri-multiline', LINES, byteLength(lines), (n) => pushAll(createMultiline(['cri']).stream('f'), lines, n), { parsers: 'cri' });
  },
  async 'cri-tail'() {
    const { createMultiline, LineSplitter } = await load();
    const lines = criLines(LINES);
    const bufs = blocks(lines);
    measure('cri-split-and-multiline', LINES, byteLength(lines), (n) => {
      const stream = createMultiline(['docker', 'cri']).stream('f');
      const splitter = new LineSplitter();
      const text = [];
      const out = [];
      let events = 0;
      for (const b of n === LINES ? bufs : bufs.slice(0, Math.ceil(bufs.length / 10))) {
        splitter.push(b, text);
        for (let i = 0; i < text.length; i++) stream.push(text[i], NOW, out);
        text.length = 0;
        events += out.length;
        out.length = 0;
      }
      stream.flush(out);
      return events + out.length;
    }, { parsers: 'docker, cri', block_bytes: BLOCK });
  },
  async 'docker-json'() {
    const { plan, createParser } = await load();
    const lines = dockerLines(LINES);
    const parser = createParser(plan.parsers.get('docker'));
    measure('docker-json-parse', LINES, byteLength(lines), (n) => parseAll(parser, lines, n), { parser: 'docker (stock json parser)' });
  },
  async 'docker-multiline'() {
    const { createMultiline } = await load();
    const lines = dockerLines(LINES);
    measure('docker-multiline', LINES, byteLength(lines), (n) => pushAll(createMultiline(['docker', 'cri']).stream('f'), lines, n), { parsers: 'docker, cri' });
  },
  async apache() {
    const { plan, createParser } = await load();
    const lines = apacheLines(LINES);
    const parser = createParser(plan.parsers.get('apache'));
    measure('apache-regex-parse', LINES, byteLength(lines), (n) => parseAll(parser, lines, n), { parser: 'apache (stock regex parser)' });
  },
};

const which = process.argv[2];
if (which !== undefined) {
  const run = scenarios[which];
  if (run === undefined) {
    console.error(`unknown scenario ${which}; one of ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  await run();
} else {
  for (const name of Object.keys(scenarios)) {
    await new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), [name], { stdio: 'inherit' });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`))));
    });
  }
}
