// Preloaded into an example app (node --import): samples the process' memory every 50 ms and
// writes the samples to LOGFERRY_HEAP_FILE as JSON lines when the app exits.
import { writeFileSync } from 'node:fs';

const file = process.env.LOGFERRY_HEAP_FILE;
const samples = [];
const sample = () => {
  const m = process.memoryUsage();
  samples.push({ t: Date.now(), heapUsed: m.heapUsed, rss: m.rss, external: m.external });
};
sample();
setInterval(sample, 50).unref();
process.on('exit', () => {
  sample();
  if (file) writeFileSync(file, samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
});
