// Parser and multiline throughput. Prints one JSON line per scenario:
//   {"bench", "lines_per_s", "mb_per_s", "cpu_s", "rss_peak_mb", ...}
// Run with `npm run bench:parsers` (builds first). Each scenario runs in its own process so that
// rss_peak_mb is its own; `node bench/parsers.mjs <scenario>` runs one. Inputs are generated from a
// fixed seed and held as the bytes of a file in 1 MiB blocks; like the tail input, every scenario
// splits them into lines (split-lines measures that share alone). Figures are the best of 3 timed
// passes after a warm-up pass on a tenth of the input. On a shared machine the
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
function* containerLines(n, seed, splitRate, maxParts, render) {
  const rand = prng(seed);
  let count = 0;
  let ms = Date.UTC(2024, 0, 1);
  while (count < n) {
    const stream = rand() < 0.8 ? 'stdout' : 'stderr';
    const parts = rand() < splitRate ? 2 + Math.floor(rand() * (maxParts - 1)) : 1;
    for (let p = 0; p < parts && count < n; p++, count++) {
      ms += Math.floor(rand() * 3);
      const time = `${isoTime(ms, Math.floor(rand() * 1e9))}Z`;
      yield render(stream, sentence(rand, 6, 20), p === parts - 1, time, rand);
    }
  }
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
function* apacheLines(n, seed = 3) {
  const rand = prng(seed);
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  let ms = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    ms += Math.floor(rand() * 4);
    const ip = `${1 + Math.floor(rand() * 254)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`;
    const d = new Date(ms);
    const when = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    const path = `/${sentence(rand, 1, 4).replace(/ /g, '/')}`;
    const agent = rand() < 0.7 ? ` "https://example.com/ref" "Mozilla/5.0 (X11; Linux x86_64) bench/${i % 100}"` : '';
    yield `${ip} - - [${when}] "${methods[i % 4]} ${path} HTTP/1.1" ${200 + (i % 5)} ${Math.floor(rand() * 50000)}${agent}`;
  }
}

/** Generated lines as the bytes of a file, in 1 MiB blocks (no string is kept). */
function fileBlocks(lines) {
  const blocks = [];
  let block = Buffer.allocUnsafe(BLOCK);
  let used = 0;
  let bytes = 0;
  let count = 0;
  for (const line of lines) {
    let text = Buffer.from(`${line}\n`);
    count++;
    bytes += text.length;
    while (text.length > 0) {
      const n = text.copy(block, used);
      used += n;
      text = text.subarray(n);
      if (used === BLOCK) {
        blocks.push(block);
        block = Buffer.allocUnsafe(BLOCK);
        used = 0;
      }
    }
  }
  if (used > 0) blocks.push(block.subarray(0, used));
  return { blocks, bytes, lines: count };
}

/**
 * Runs `pass` (given the blocks, returning a count of results) on a tenth of the input to warm up,
 * then 3 times on all of it; reports the best.
 */
function measure(name, input, pass, extra = {}) {
  pass(input.blocks.slice(0, Math.ceil(input.blocks.length / 10)));
  let best;
  for (let i = 0; i < 3; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const results = pass(input.blocks);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    if (best === undefined || wall < best.wall) best = { wall, cpuS, results };
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      bench: name,
      lines_per_s: Math.round(input.lines / best.wall),
      mb_per_s: Math.round((input.bytes / best.wall / 1e6) * 10) / 10,
      cpu_s: Math.round(best.cpuS * 1000) / 1000,
      lines_per_cpu_s: Math.round(input.lines / best.cpuS),
      rss_peak_mb: Math.round(rss),
      lines: input.lines,
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

/** Splits the blocks into lines like the tail input and calls `onLines(lines)` per block. */
function eachBlock(LineSplitter, blocks, onLines) {
  const splitter = new LineSplitter();
  const lines = [];
  for (const b of blocks) {
    splitter.push(b, lines);
    onLines(lines);
    lines.length = 0;
  }
}

/** Feeds every line to a multiline stream, handing events over per block as the tail input would. */
function multilinePass(LineSplitter, makeStream) {
  return (blocks) => {
    const stream = makeStream();
    const out = [];
    let events = 0;
    eachBlock(LineSplitter, blocks, (lines) => {
      for (let i = 0; i < lines.length; i++) stream.push(lines[i], NOW, out);
      events += out.length;
      out.length = 0;
    });
    stream.flush(out);
    return events + out.length;
  };
}

function parserPass(LineSplitter, parser) {
  return (blocks) => {
    let ok = 0;
    eachBlock(LineSplitter, blocks, (lines) => {
      for (let i = 0; i < lines.length; i++) if (parser.parseRecord(lines[i], NOW) !== undefined) ok++;
    });
    return ok;
  };
}

// Every scenario but split-lines includes splitting the blocks into lines (see split-lines for its share).
const scenarios = {
  async lines() {
    const { LineSplitter } = await load();
    measure('split-lines', fileBlocks(criLines(LINES)), (blocks) => {
      let count = 0;
      eachBlock(LineSplitter, blocks, (lines) => (count += lines.length));
      return count;
    }, { block_bytes: BLOCK });
  },
  async 'cri-multiline'() {
    const { createMultiline, LineSplitter } = await load();
    measure('cri-multiline', fileBlocks(criLines(LINES)), multilinePass(LineSplitter, () => createMultiline(['cri']).stream('f')), { parsers: 'cri' });
  },
  async 'cri-docker-multiline'() {
    const { createMultiline, LineSplitter } = await load();
    measure('cri-multiline-docker-first', fileBlocks(criLines(LINES)), multilinePass(LineSplitter, () => createMultiline(['docker', 'cri']).stream('f')), { parsers: 'docker, cri' });
  },
  async 'docker-json'() {
    const { plan, createParser, LineSplitter } = await load();
    measure('docker-json-parse', fileBlocks(dockerLines(LINES)), parserPass(LineSplitter, createParser(plan.parsers.get('docker'))), { parser: 'docker (stock json parser)' });
  },
  async 'docker-multiline'() {
    const { createMultiline, LineSplitter } = await load();
    measure('docker-multiline', fileBlocks(dockerLines(LINES)), multilinePass(LineSplitter, () => createMultiline(['docker', 'cri']).stream('f')), { parsers: 'docker, cri' });
  },
  async apache() {
    const { plan, createParser, LineSplitter } = await load();
    measure('apache-regex-parse', fileBlocks(apacheLines(LINES)), parserPass(LineSplitter, createParser(plan.parsers.get('apache'))), { parser: 'apache (stock regex parser)' });
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
