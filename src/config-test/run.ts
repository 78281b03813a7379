/**
 * Runs the cases of a `logferry test` file through the real engine: the configuration's filters
 * and parsers run unchanged; the inputs a case feeds are kept (a tail input reads the case's lines
 * from a temporary file, with the case's tag) or replaced by a `lib` input (records); every output
 * is replaced by a capturing `lib` output with the same name and Match; the kubernetes filter asks
 * a local API server holding the file's pod JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { startAwsLocal, type AwsLocal } from '../aws-local/index.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { withOptions } from '../config/plan/override.js';
import type { Plan, PlanInstance } from '../config/plan/types.js';
import { validateConfig, type ValidationResult } from '../config/validate.js';
import type { LogEvent } from '../record/event.js';
import { Pipeline } from '../engine/pipeline.js';
import { RouteRule } from '../engine/router.js';
import { readKubeObjects, startKubeLocal, type KubeLocal } from '../kube-local/index.js';
import libInput from '../plugins/inputs/lib/index.js';
import libOutput from '../plugins/outputs/lib/index.js';
import { compareRecords, type Mismatch } from './compare.js';
import type { TestCase, TestFile, TestInput } from './spec.js';

export interface CaseResult {
  readonly name: string;
  readonly passed: boolean;
  /** Why it failed: per expectation, or a setup problem. */
  readonly problems: readonly string[];
  readonly mismatches: readonly Mismatch[];
}

export interface FileResult {
  readonly validation: ValidationResult;
  readonly cases: readonly CaseResult[];
}

/** How long a case may take (reading, filters, delivery) before it fails. */
const CASE_TIMEOUT_MS = 20_000;

export async function runTestFile(file: TestFile): Promise<FileResult> {
  const validation = validateConfig(file.config, { env: file.env, cwd: dirname(file.config) });
  if (!validation.ok) return { validation, cases: [] };
  const needsKube = validation.plan.filters.some((f) => f.plugin === 'kubernetes');
  const kube = needsKube ? await startKubeLocal(readKubeObjects(file.pods), readKubeObjects(file.namespaces)) : undefined;
  // The aws filter reads instance metadata: from aws-local's IMDS (its demo instance), never 169.254.169.254.
  const imds: AwsLocal | undefined = validation.plan.filters.some((f) => f.plugin === 'aws') ? await startAwsLocal({ imds: {} }) : undefined;
  const previous = process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
  if (imds) process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = imds.endpoint;
  try {
    const cases: CaseResult[] = [];
    for (const c of file.tests) cases.push(await runCase(validation.plan, c, kube));
    return { validation, cases };
  } finally {
    await kube?.close();
    if (imds) {
      await imds.close();
      if (previous === undefined) delete process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
      else process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = previous;
    }
  }
}

function named(instance: PlanInstance, name: string): boolean {
  return instance.displayName === name || instance.id === name;
}

async function runCase(base: Plan, test: TestCase, kube: KubeLocal | undefined): Promise<CaseResult> {
  const work = mkdtempSync(join(tmpdir(), 'logferry-test-'));
  const problems: string[] = [];
  try {
    const inputs: PlanInstance<'input'>[] = [];
    const pushes: { input: string; tag: string; records: readonly Record<string, unknown>[] }[] = [];
    let tails = 0;
    test.inputs.forEach((given, i) => {
      const source = pickInput(base, given);
      if (typeof source === 'string') {
        problems.push(`input[${i}]: ${source}`);
        return;
      }
      const name = `${source.displayName}#${i}`;
      if (given.lines) {
        const path = join(work, `input-${i}.log`);
        writeFileSync(path, given.lines.map((l) => `${l}\n`).join(''));
        tails++;
        inputs.push(withOptions(source, { path: [path], tag: given.tag, tag_regex: undefined, read_from_head: true, exit_on_eof: true, db: undefined, exclude_path: undefined, ignore_older: 0, 'storage.type': 'memory' }, name));
      } else {
        inputs.push({ ...withOptions(source, { tag: given.tag, 'storage.type': 'memory' }, name), plugin: 'lib', definition: libInput as never, supported: true });
        pushes.push({ input: name, tag: given.tag, records: given.records! });
      }
    });
    for (const e of test.expect) {
      if (!base.outputs.some((o) => named(o, e.output))) problems.push(`expect: no output named '${e.output}' (outputs: ${base.outputs.map((o) => o.displayName).join(', ')})`);
    }
    if (problems.length > 0) return { name: test.name, passed: false, problems, mismatches: [] };

    let token = '';
    if (kube) {
      token = join(work, 'token');
      writeFileSync(token, 'logferry-test\n');
    }
    const implicitAll = base.inputs.length === 1 && base.outputs.length === 1;
    // A filter logferry cannot run is left out; the cases whose records it would see say so.
    const runnable = base.filters.filter((f) => {
      if (f.supported && f.definition?.create) return true;
      const rule = new RouteRule(f);
      if (test.inputs.some((i) => rule.matches(i.tag))) problems.push(`note: filter ${f.displayName} (${f.plugin}) is not supported by logferry and was left out`);
      return false;
    });
    const plan: Plan = {
      ...base,
      service: { ...base.service, flush: 50, grace: 10, 'storage.path': undefined },
      inputs,
      filters: runnable.map((f) =>
        f.plugin === 'kubernetes' && kube
          ? withOptions(f, { kube_url: kube.url, use_kubelet: false, kube_token_file: token, kube_token_command: undefined, kube_meta_preload_cache_dir: undefined, dns_retries: 0 })
          : f,
      ),
      outputs: base.outputs.map((o) => ({
        ...o,
        plugin: 'lib',
        definition: libOutput as never,
        supported: true,
        // One input and one output without Match route everything (the inputs are cloned per case).
        ...(implicitAll && o.options.match === undefined && o.options.match_regex === undefined ? { options: { ...o.options, match: '*' } } : {}),
      })),
    };
    const received = new Map<string, LogEvent[]>();
    const logs: string[] = [];
    let done = 0;
    let allRead: () => void = () => {};
    const read = new Promise<void>((r) => (allRead = r));
    if (tails === 0) allRead();
    const pipeline = new Pipeline(plan, {
      logSink: (l) => logs.push(l),
      onLibRecords: (output, batch) => {
        const list = received.get(output) ?? [];
        list.push(...batch.events);
        received.set(output, list);
      },
      onDone: () => {
        if (++done === tails) allRead();
      },
    });
    try {
      await pipeline.start();
    } catch (err) {
      await pipeline.stop(0);
      return { name: test.name, passed: false, problems: [...problems, `cannot start: ${(err as Error).message}`], mismatches: [] };
    }
    for (const p of pushes) pipeline.push(p.records as Record<string, unknown>[], { input: p.input, tag: p.tag });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([read.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), CASE_TIMEOUT_MS)))]);
    clearTimeout(timer);
    await pipeline.stop();
    if (timedOut) problems.push(`the inputs did not reach the end of their lines within ${CASE_TIMEOUT_MS / 1000}s`);
    const mismatches: Mismatch[] = [];
    for (const e of test.expect) {
      const output = base.outputs.find((o) => named(o, e.output))!;
      const actual = (received.get(output.displayName) ?? []).map((ev) => normalize(ev.record));
      const m = compareRecords(e.output, e.records, actual, e.match);
      if (m) mismatches.push(m);
    }
    for (const l of logs) if (/\[ ?(error|warn)\]/.test(l)) problems.push(`agent log: ${l.trimEnd()}`);
    return { name: test.name, passed: mismatches.length === 0 && !timedOut, problems, mismatches };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The input a test input feeds: by name, or the first tail (lines) or the first input (records). */
function pickInput(plan: Plan, given: TestInput): PlanInstance<'input'> | string {
  if (given.input !== undefined) {
    const found = plan.inputs.find((i) => named(i, given.input!));
    if (!found) return `no input named '${given.input}' (inputs: ${plan.inputs.map((i) => i.displayName).join(', ') || 'none'})`;
    if (given.lines && found.plugin !== 'tail') return `lines can only be read by a tail input; '${given.input}' is ${found.plugin} (give records instead)`;
    return found;
  }
  const found = given.lines ? plan.inputs.find((i) => i.plugin === 'tail') : plan.inputs[0];
  return found ?? (given.lines ? 'the configuration has no tail input to read lines (give records instead)' : 'the configuration has no input');
}

/** A record as the test file can write it: JSON values only. */
function normalize(record: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
}
