/**
 * The test file of `logferry test` (YAML):
 *
 *   config: fluent-bit.conf            # relative to the test file
 *   env: { CLUSTER_NAME: demo }        # ${VAR} values (the process environment is not used)
 *   kubernetes:                        # optional: pod/namespace JSON for the kubernetes filter
 *     pods: [pods/]                    # files or directories of `kubectl get -o json` documents
 *     namespaces: [namespaces/]
 *   tests:
 *     - name: a Java stack trace becomes one record
 *       input:
 *         - tag: kube.var.log.containers.web_shop_app-0123.log
 *           input: tail.0              # optional: the input instance (name or Alias)
 *           lines: ["2024-... stdout F hello"]   # read by a tail input, or:
 *           records: [{ log: hello }]  # pushed after the input, before the filters
 *       expect:
 *         - output: cloudwatch_logs.0  # name or Alias
 *           records: [{ log: hello }]  # in order
 *           match: partial             # exact (default) or partial (expected keys only, deeply)
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface TestInput {
  readonly tag: string;
  readonly input: string | undefined;
  readonly lines: readonly string[] | undefined;
  readonly records: readonly Record<string, unknown>[] | undefined;
}

export interface TestExpectation {
  readonly output: string;
  readonly records: readonly Record<string, unknown>[];
  readonly match: 'exact' | 'partial';
}

export interface TestCase {
  readonly name: string;
  readonly inputs: readonly TestInput[];
  readonly expect: readonly TestExpectation[];
}

export interface TestFile {
  readonly path: string;
  readonly config: string;
  readonly env: Readonly<Record<string, string>>;
  readonly pods: readonly string[];
  readonly namespaces: readonly string[];
  readonly tests: readonly TestCase[];
}

/** A problem in the test file itself, naming the place (`tests[1].input[0].lines`). */
export class TestFileError extends Error {
  override readonly name = 'TestFileError' as const;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and checks a test file; `shown` is the name used in messages (default: the path). */
export function readTestFile(path: string, shown = path): TestFile {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TestFileError(`${shown}: ${(err as Error).message}`);
  }
  const fail = (where: string, why: string): never => {
    throw new TestFileError(`${shown}: ${where}: ${why}`);
  };
  if (!isObj(doc)) return fail('top level', 'expected a map with config and tests');
  const known = new Set(['config', 'env', 'kubernetes', 'tests']);
  for (const k of Object.keys(doc)) if (!known.has(k)) fail(k, `unknown key (expected ${[...known].join(', ')})`);
  const dir = dirname(path);
  if (typeof doc['config'] !== 'string') fail('config', 'expected the path of the configuration to test');
  const env: Record<string, string> = {};
  if (doc['env'] !== undefined) {
    if (!isObj(doc['env'])) fail('env', 'expected a map of variable names to values');
    for (const [k, v] of Object.entries(doc['env'] as Obj)) env[k] = String(v);
  }
  const paths = (where: string, v: unknown): string[] => {
    if (v === undefined) return [];
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) return fail(where, 'expected a path or a list of paths');
    return (list as string[]).map((p) => resolve(dir, p));
  };
  const kube = doc['kubernetes'];
  if (kube !== undefined && !isObj(kube)) fail('kubernetes', 'expected a map with pods and namespaces');
  const tests = doc['tests'];
  if (!Array.isArray(tests) || tests.length === 0) fail('tests', 'expected a non-empty list of test cases');
  return {
    path,
    config: resolve(dir, doc['config'] as string),
    env,
    pods: paths('kubernetes.pods', isObj(kube) ? kube['pods'] : undefined),
    namespaces: paths('kubernetes.namespaces', isObj(kube) ? kube['namespaces'] : undefined),
    tests: (tests as unknown[]).map((t, i) => readCase(t, `tests[${i}]`, fail)),
  };
}

function readCase(t: unknown, where: string, fail: (where: string, why: string) => never): TestCase {
  if (!isObj(t)) return fail(where, 'expected a map with name, input and expect');
  const name = typeof t['name'] === 'string' ? t['name'] : where;
  const input = t['input'];
  if (!Array.isArray(input) || input.length === 0) fail(`${where}.input`, 'expected a non-empty list');
  const expect = t['expect'];
  if (!Array.isArray(expect) || expect.length === 0) fail(`${where}.expect`, 'expected a non-empty list');
  const inputs = (input as unknown[]).map((x, i): TestInput => {
    const at = `${where}.input[${i}]`;
    if (!isObj(x)) return fail(at, 'expected a map with tag and lines or records');
    if (typeof x['tag'] !== 'string' || x['tag'] === '') fail(`${at}.tag`, 'expected the tag of the records');
    const lines = x['lines'];
    const records = x['records'];
    if ((lines === undefined) === (records === undefined)) fail(at, 'give exactly one of lines and records');
    if (lines !== undefined && (!Array.isArray(lines) || lines.some((l) => typeof l !== 'string'))) fail(`${at}.lines`, 'expected a list of strings');
    if (records !== undefined && (!Array.isArray(records) || records.some((r) => !isObj(r)))) fail(`${at}.records`, 'expected a list of maps');
    return {
      tag: x['tag'] as string,
      input: typeof x['input'] === 'string' ? x['input'] : undefined,
      lines: lines as string[] | undefined,
      records: records as Record<string, unknown>[] | undefined,
    };
  });
  const expects = (expect as unknown[]).map((x, i): TestExpectation => {
    const at = `${where}.expect[${i}]`;
    if (!isObj(x)) return fail(at, 'expected a map with output and records');
    if (typeof x['output'] !== 'string') fail(`${at}.output`, 'expected the output instance (name or Alias)');
    const records = x['records'];
    if (!Array.isArray(records) || records.some((r) => !isObj(r))) fail(`${at}.records`, 'expected a list of maps (empty for none)');
    const match = x['match'] ?? 'exact';
    if (match !== 'exact' && match !== 'partial') fail(`${at}.match`, 'expected exact or partial');
    return { output: x['output'] as string, records: records as Record<string, unknown>[], match: match as 'exact' | 'partial' };
  });
  return { name, inputs, expect: expects };
}
