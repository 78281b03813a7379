/**
 * Deterministic benchmark inputs: every generator takes a line count and a seed and yields the
 * same lines on every machine (mulberry32), so figures can be compared across commits and agents.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { prng } from '../aws-local/faults.js';

const WORDS = 'lorem ipsum dolor sit amet GET POST /api/v1/orders request handled upstream user=42 status=200 latency_ms=13 cache=miss retry trace_id=9f2c1a region=eu-west-1 ok'.split(' ');

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function sentence(rand: () => number, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min));
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + pick(rand, WORDS);
  return s;
}

function isoNanos(ms: number, nanos: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
}

/** A JSON application log message (what a container writes when it logs JSON). */
function jsonMessage(rand: () => number, i: number): string {
  const level = rand() < 0.9 ? 'info' : 'error';
  return `{"level":"${level}","msg":${JSON.stringify(sentence(rand, 3, 12))},"request":${i},"latency_ms":${Math.floor(rand() * 500)},"path":"/api/v1/orders/${i % 9973}"}`;
}

export interface ContainerOptions {
  /** Share of messages cut into 2 to maxParts fragments (the runtime splits lines over 16 KiB). */
  readonly splitRate: number;
  readonly maxParts: number;
  /** Messages are JSON objects instead of text. */
  readonly json?: boolean;
}

/** Cuts `text` into `parts` non-empty pieces at seeded positions. */
function cut(rand: () => number, text: string, parts: number): string[] {
  if (parts <= 1 || text.length < parts) return [text];
  const out: string[] = [];
  let at = 0;
  for (let p = parts - 1; p > 0; p--) {
    const room = text.length - at - p;
    const len = 1 + Math.floor(rand() * Math.max(1, Math.floor(room / (p + 1))));
    out.push(text.slice(at, at + len));
    at += len;
  }
  out.push(text.slice(at));
  return out;
}

/**
 * Container log messages on stdout (80%) or stderr, some cut into fragments; `render(stream,
 * fragment, last, time)` writes one line. Yields exactly `n` lines.
 */
function* containerLines(n: number, seed: number, o: ContainerOptions, render: (stream: string, text: string, last: boolean, time: string) => string): Generator<string> {
  const rand = prng(seed);
  let count = 0;
  let ms = Date.UTC(2024, 5, 1);
  while (count < n) {
    const stream = rand() < 0.8 ? 'stdout' : 'stderr';
    const parts = rand() < o.splitRate ? 2 + Math.floor(rand() * (o.maxParts - 1)) : 1;
    const message = o.json ? jsonMessage(rand, count) : sentence(rand, 6, 20);
    const pieces = cut(rand, message, parts);
    for (let p = 0; p < pieces.length && count < n; p++, count++) {
      ms += Math.floor(rand() * 3);
      yield render(stream, pieces[p]!, p === pieces.length - 1, isoNanos(ms, Math.floor(rand() * 1e9)));
    }
  }
}

/** CRI (containerd, CRI-O) lines: `time stream P|F log`. */
export function criLines(n: number, seed = 1, o: ContainerOptions = { splitRate: 0.05, maxParts: 4 }): Generator<string> {
  return containerLines(n, seed, o, (stream, text, last, time) => `${time} ${stream} ${last ? 'F' : 'P'} ${text}`);
}

/** Docker json-file lines; a cut message's first parts have no trailing \n in `log`. */
export function dockerLines(n: number, seed = 2, o: ContainerOptions = { splitRate: 0.1, maxParts: 2 }): Generator<string> {
  return containerLines(n, seed, o, (stream, text, last, time) => `{"log":${JSON.stringify(last ? `${text}\n` : text)},"stream":"${stream}","time":"${time}"}`);
}

/** One JSON object per line (the `log` of a container that logs JSON). */
export function* jsonLines(n: number, seed = 4): Generator<string> {
  const rand = prng(seed);
  for (let i = 0; i < n; i++) yield jsonMessage(rand, i);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Apache combined-log lines (70% with referer and agent), for the stock `apache` parser. */
export function* apacheLines(n: number, seed = 3): Generator<string> {
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

/** Plain application lines of about `lineBytes` bytes (the AWS output scenarios). */
export function* appLines(n: number, lineBytes = 120): Generator<string> {
  const base = Date.UTC(2024, 5, 1);
  for (let i = 0; i < n; i++) {
    const line = `${new Date(base + i).toISOString()} INFO [req ${i}] GET /api/v1/orders/${i % 9973} user=${i % 97} status=200 latency_ms=${i % 31} cache=miss`;
    yield line.length + 1 < lineBytes ? `${line} ${'x'.repeat(lineBytes - line.length - 2)}` : line;
  }
}

export interface Blocks {
  readonly blocks: Buffer[];
  readonly bytes: number;
  readonly lines: number;
}

export const BLOCK_BYTES = 1 << 20;

/** The lines (each + \n) as the bytes of a file in 1 MiB blocks, as the tail input reads them. */
export function toBlocks(lines: Iterable<string>): Blocks {
  const blocks: Buffer[] = [];
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
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
      if (used === BLOCK_BYTES) {
        blocks.push(block);
        block = Buffer.allocUnsafe(BLOCK_BYTES);
        used = 0;
      }
    }
  }
  if (used > 0) blocks.push(block.subarray(0, used));
  return { blocks, bytes, lines: count };
}

/** Writes the lines (each + \n) to `path`; returns the line and byte counts. */
export function writeLines(path: string, lines: Iterable<string>): { lines: number; bytes: number } {
  const fd = openSync(path, 'w');
  let chunk: string[] = [];
  let size = 0;
  let count = 0;
  let bytes = 0;
  try {
    for (const line of lines) {
      chunk.push(line, '\n');
      size += line.length + 1;
      count++;
      if (size > 4 << 20) {
        bytes += writeSync(fd, chunk.join(''));
        chunk = [];
        size = 0;
      }
    }
    bytes += writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
  return { lines: count, bytes };
}
