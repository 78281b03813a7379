// Preloaded into an example app (node --import): samples the process' memory every 100 ms and
// writes the samples to LOGFERRY_HEAP_FILE as JSON lines when the app exits. With --expose-gc each
// sample follows a full collection, so heapUsed is what the main thread keeps alive.
import { writeFileSync } from 'node:fs';

const file = process.env.LOGFERRY_HEAP_FILE;
const samples = [];
const sample = () => {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const m = process.memoryUsage();
  samples.push({ t: Date.now(), heapUsed: m.heapUsed, rss: m.rss, external: m.external });
};
sample();
setInterval(sample, 100).unref();
process.on('exit', () => {
  sample();
  if (file) writeFileSync(file, samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
});
