/**
 * Golden cases: fixtures/pipeline/<case>/ and fixtures/filters/<case>/ hold fluent-bit.conf (paths under ${WORK}),
 * input/ (copied to a temp dir that ${WORK} names), optional case.json with steps, and
 * expected.jsonl (one {"tag", "record"} per line, plus "time" when case.json compares it, and
 * "keyOrder": "any" where Fluent Bit's key order changed between recordings: a lua filter's
 * rebuilt tables come back in LuaJIT's hash order, seeded per process; those keys compare as a set).
 * The outputs of the config are `lib` outputs; records are compared per tag, in order.
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateClassic } from '../../src/config/validate.js';
import type { EventBatch } from '../../src/record/event.js';
import { splitNanos } from '../../src/record/event.js';
import { Pipeline } from '../../src/engine/pipeline.js';
import { composeTailTag } from '../../src/record/tag-pattern.js';
import { REPO_ROOT } from '../support/cli.js';
import { startAwsLocal, type ImdsOptions } from '../../src/aws-local/index.js';
import { KubeServer, makeCertificate } from '../plugins/filters/kubernetes/kube-server.js';

type Step =
  | { write: string; text: string }
  | { append: string; text: string }
  | { rename: [string, string] }
  | { truncate: string }
  | { delete: string }
  | { sleep: number }
  | { wait: number }
  | { restart: true };

interface CaseSpec {
  /** Which Fluent Bit release (and how) produced expected.jsonl. */
  recordedWith?: string;
  /** For the recorder (scripts/record-fluent-bit-golden.mjs): records not as written in the input compare as key sets. */
  rebuiltKeyOrder?: 'any';
  steps?: Step[];
  /** Compare event times too (as `sec.nsec` strings). */
  compareTime?: boolean;
  /** Records of one tag may arrive in any order (e.g. two files behind one tag). */
  unordered?: boolean;
  /** Give up waiting for the expected records after this long (default 10 s). */
  timeoutMs?: number;
  env?: Record<string, string>;
  /**
   * Start a local kubelet (HTTPS, self-signed certificate, pods from fixtures/kubernetes) and pass
   * KUBELET_PORT, KUBE_CA and KUBE_TOKEN to the config. Needs openssl; skipped without it.
   */
  kubelet?: boolean;
  /** Part of `pipeline.metrics()` after the run, e.g. {"filter": {"throttle.0": {"counters": {"drop_records": 4}}}}. */
  metrics?: object;
  /** Start aws-local's instance metadata service (these instance values; true: its demo instance) and point AWS_EC2_METADATA_SERVICE_ENDPOINT at it. */
  imds?: ImdsOptions | true;
}

interface Row {
  tag: string;
  record: Record<string, unknown>;
  time?: string;
  keyOrder?: 'any';
}

/** Keys sorted at every level. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
  return v;
}

// One looping test for both golden areas: whole pipelines, and one behaviour per filter.
const ROOTS = ['pipeline', 'filters'].map((area) => join(REPO_ROOT, 'fixtures', area));
const cases = ROOTS.flatMap((root) =>
  existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(join(root, d, 'fluent-bit.conf')))
        .sort()
        .map((d) => ({ name: `${root.split(/[\\/]/).pop()}/${d}`, dir: join(root, d) }))
    : [],
);

function byTag(rows: Row[], unordered: boolean): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const r of rows) (out[r.tag] ??= []).push(r);
  if (unordered) for (const list of Object.values(out)) list.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return out;
}

/**
 * Actual rows made comparable: the temp dir becomes `${WORK}`, and a time is kept only where the
 * expected row at the same place has one (records timed "now" cannot be compared).
 */
function comparable(actual: Row[], expected: Row[], work: string, workTag: string): Row[] {
  const seen = new Map<string, number>();
  const expectedByTag = new Map<string, Row[]>();
  for (const r of expected) expectedByTag.set(r.tag, [...(expectedByTag.get(r.tag) ?? []), r]);
  return actual.map((row) => {
    const r = JSON.parse(JSON.stringify(row).split(work).join('${WORK}').split(workTag).join('${WORK_TAG}')) as Row;
    const i = seen.get(r.tag) ?? 0;
    seen.set(r.tag, i + 1);
    const twin = expectedByTag.get(r.tag)?.[i];
    if (twin?.time === undefined) delete r.time;
    if (twin?.keyOrder === 'any') r.keyOrder = 'any';
    return r;
  });
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
}

describe('pipeline golden cases', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const { name, dir } of cases) {
    it(name, async (ctx) => {
      const spec: CaseSpec = existsSync(join(dir, 'case.json')) ? (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec) : {};
      const expected = readFileSync(join(dir, 'expected.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .map((l) => JSON.parse(l) as Row);
      const work = mkdtempSync(join(tmpdir(), `logferry-${name.replace('/', '-')}-`));
      // A tail Tag `x.*` turns the work directory into dots: cases refer to it as ${WORK_TAG}.
      const workTag = composeTailTag('*', work);
      const tls = spec.kubelet ? makeCertificate() : undefined;
      if (spec.kubelet && !tls) ctx.skip();
      const kubelet = tls ? new KubeServer(tls) : undefined;
      const imds = spec.imds ? await startAwsLocal({ imds: spec.imds === true ? {} : spec.imds }) : undefined;
      const imdsEndpoint = process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
      if (imds) process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = imds.endpoint;
      try {
        if (existsSync(join(dir, 'input'))) cpSync(join(dir, 'input'), work, { recursive: true });
        const kubeEnv: Record<string, string> = {};
        if (kubelet && tls) {
          writeFileSync(join(work, 'token'), `${kubelet.token}\n`);
          Object.assign(kubeEnv, { KUBELET_PORT: String(await kubelet.listen()), KUBE_CA: tls.cert, KUBE_TOKEN: join(work, 'token') });
        }
        const env = { HOSTNAME: 'golden-host', WORK: work, WORK_TAG: workTag, ...kubeEnv, ...spec.env };
        const result = validateClassic(join(dir, 'fluent-bit.conf'), { env, cwd: REPO_ROOT });
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const rows: Row[] = [];
        const receive = (_output: string, batch: EventBatch) => {
          for (const e of batch.events) {
            const { sec, nsec } = splitNanos(e.time);
            rows.push({ tag: batch.tag, record: e.record, ...(spec.compareTime ? { time: `${sec}.${String(nsec).padStart(9, '0')}` } : {}) });
          }
        };
        const logs: string[] = [];
        const make = () => new Pipeline(result.plan, { onLibRecords: receive, logSink: (l) => logs.push(l) });
        let pipeline = make();
        await pipeline.start();
        const timeout = spec.timeoutMs ?? 10_000;
        const at = (p: string) => join(work, p);
        for (const step of spec.steps ?? []) {
          if ('write' in step) writeFileSync(at(step.write), step.text);
          else if ('append' in step) appendFileSync(at(step.append), step.text);
          else if ('rename' in step) renameSync(at(step.rename[0]), at(step.rename[1]));
          else if ('truncate' in step) truncateSync(at(step.truncate), 0);
          else if ('delete' in step) unlinkSync(at(step.delete));
          else if ('sleep' in step) await new Promise((r) => setTimeout(r, step.sleep));
          else if ('wait' in step) await until(() => rows.length >= step.wait, timeout);
          else if ('restart' in step) {
            await pipeline.stop();
            pipeline = make();
            await pipeline.start();
          }
        }
        await until(() => rows.length >= expected.length, timeout);
        // Give stray extra records a moment to show up before comparing.
        await new Promise((r) => setTimeout(r, 200));
        await pipeline.stop();
        if (spec.metrics) expect(pipeline.metrics(), logs.join('')).toMatchObject(spec.metrics);
        const unordered = spec.unordered === true;
        // Compared as JSON text per row, so that key order counts (Fluent Bit's record shapes are ordered).
        const text = (groups: Record<string, Row[]>) =>
          Object.fromEntries(Object.entries(groups).map(([tag, list]) => [tag, list.map((r) => JSON.stringify({ tag: r.tag, ...(r.time === undefined ? {} : { time: r.time }), record: r.keyOrder === 'any' ? sortedKeys(r.record) : r.record }))]));
        expect(text(byTag(comparable(rows, expected, work, workTag), unordered)), logs.join('')).toEqual(text(byTag(expected, unordered)));
      } finally {
        await kubelet?.close();
        await imds?.close();
        if (imds && imdsEndpoint === undefined) delete process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
        else if (imds) process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = imdsEndpoint;
        if (tls) rmSync(tls.dir, { recursive: true, force: true });
        rmSync(work, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
