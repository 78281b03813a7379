/**
 * The examples as applications: examples/pino-cloudwatch.ts and examples/winston-cloudwatch.ts run
 * as their own processes with real pino and winston, shipping to cloudwatch_logs on a local AWS
 * endpoint that is down (every data call a 5xx) for 10 s from their first attempt. Every line arrives once after
 * recovery, the apps exit 0 once their logger is closed, and their memory during the outage is
 * sampled (test/embed/support/heap-sampler.mjs) and printed. 20,000 lines each; LOGFERRY_SOAK=1
 * writes the 200,000.
 */
import { spawn } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../src/aws-local/index.js';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir('logferry-apps-');
const LINES = process.env['LOGFERRY_SOAK'] ? 200_000 : 20_000;
const OUTAGE_MS = 10_000;
/** The examples' Mem_Buf_Limit, lowered so that 20,000 lines are well past it during the outage. */
const MEM_BUF_LIMIT = '512k';
const MEM_BUF_LIMIT_BYTES = 512 * 1024;

interface Sample {
  /** ms since the epoch. */
  readonly t: number;
  readonly heapUsed: number;
  readonly rss: number;
}

interface AppRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly samples: Sample[];
}

/** An example with its `logferry/...` import pointed at the source, run with the heap sampler. */
function runExample(which: 'pino' | 'winston', aws: AwsLocal): Promise<AppRun> {
  const target = which === 'pino' ? join(REPO_ROOT, 'test/embed/support/pino-target.mjs') : join(REPO_ROOT, 'src/transports/winston.ts');
  const text = readFileSync(join(REPO_ROOT, `examples/${which}-cloudwatch.ts`), 'utf8')
    .replaceAll(`'logferry/${which}'`, `'${target}'`)
    .replace("Mem_Buf_Limit: '4M'", `Mem_Buf_Limit: '${MEM_BUF_LIMIT}'`);
  expect(text).toContain(MEM_BUF_LIMIT);
  const dir = join(tmp.path, which);
  const app = tmp.write(`${which}/app.mts`, text);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const heapFile = join(dir, 'heap.jsonl');
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', join(REPO_ROOT, 'test/embed/support/heap-sampler.mjs'), app], {
    cwd: dir,
    env: {
      ...process.env,
      LINES: String(LINES),
      CLOUDWATCH_ENDPOINT: aws.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
      AWS_SECRET_ACCESS_KEY: 'local',
      LOGFERRY_HEAP_FILE: heapFile,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      const samples = readFileSync(heapFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Sample);
      resolve({ code, stderr, samples });
    });
  });
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

describe('pino and winston apps shipping to CloudWatch Logs through an outage', () => {
  it(
    `${LINES} lines each: every line once after a ${OUTAGE_MS / 1000} s outage, clean exit (memory during the outage printed)`,
    async () => {
      const aws = await startAwsLocal({ faults: { serverError: 1 }, seed: 25 });
      try {
        const started = Date.now();
        const runs = Promise.all([runExample('pino', aws), runExample('winston', aws)]);
        // The outage counts from the first delivery attempt, when the apps are logging: an app
        // that did not wait would log everything, close, and lose what Grace cannot deliver.
        while (aws.store.requests('PutLogEvents') === 0) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, OUTAGE_MS));
        aws.setFaults({});
        const recovered = Date.now();
        const [pinoRun, winstonRun] = await runs;
        for (const [which, run] of [['pino', pinoRun], ['winston', winstonRun]] as const) {
          expect(run.stderr, which).not.toMatch(/Error|write after end|dropped/);
          expect(run.code, `${which}: ${run.stderr}`).toBe(0);
          const seen = new Map<number, number>();
          for (const e of aws.store.logEvents('shop', `checkout-${which}`)) {
            const n = (JSON.parse(e.message) as { n: number }).n;
            seen.set(n, (seen.get(n) ?? 0) + 1);
          }
          expect(seen.size, which).toBe(LINES);
          expect([...seen.values()].every((times) => times === 1), `${which}: a line arrived twice`).toBe(true);
          // Live heap (after a full collection): at its peak during the outage, and at exit (every
          // module loaded, nothing buffered). The difference is what the outage kept alive.
          const during = run.samples.filter((s) => s.t < recovered);
          const peakHeap = Math.max(...during.map((s) => s.heapUsed));
          const atExit = run.samples[run.samples.length - 1]!.heapUsed;
          const peakRss = Math.max(...during.map((s) => s.rss));
          console.log(
            `${which}: ${LINES} lines, Mem_Buf_Limit ${mib(MEM_BUF_LIMIT_BYTES)}; main-thread live heap at its peak during the outage ${mib(peakHeap)}, ` +
              `at exit ${mib(atExit)} (outage - exit: ${mib(peakHeap - atExit)}); process RSS peak during the outage ${mib(peakRss)}; ` +
              `exited ${((Date.now() - started) / 1000).toFixed(1)} s after start`,
          );
          // Reported, not asserted: a few MiB either way is within the noise of modules loaded
          // late. What fails without backpressure is the delivery above (the app logs everything
          // at once, closes, and Grace expires during the outage); test/embed/backpressure.test.ts
          // and test/transports/transports.test.ts assert the bounds themselves.
        }
      } finally {
        await aws.close();
      }
    },
    LINES > 20_000 ? 600_000 : 120_000,
  );
});
