/**
 * `logferry validate` answers every input: mutants of the Container Insights configuration and of
 * the fixture configs (flipped and inserted characters, deep nesting, huge lines, includes of
 * special files, long globs) get an exit status of 0, 1 or 2 and well-formed JSON and SARIF, in
 * bounded time. A few runs in CI; LOGFERRY_FUZZ_RUNS=2000 for a real search.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 8);
/** Generous: a case takes well under a second; this only catches a hang or a blow-up. */
const CASE_BOUND_MS = 30_000;

let root = '';
/** Base configurations, as paths in the temporary copy (their includes resolve next to them). */
const bases: string[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'logferry-fuzz-'));
  cpSync(join(REPO_ROOT, 'fixtures/container-insights'), join(root, 'ci'), { recursive: true });
  cpSync(join(REPO_ROOT, 'fixtures/configs'), join(root, 'configs'), { recursive: true });
  execFileSync('mkfifo', [join(root, 'pipe')]);
  bases.push(join(root, 'ci/fluent-bit.conf'), join(root, 'ci/fluent-bit.yaml'));
  for (const sub of ['valid', 'invalid', 'valid-yaml', 'invalid-yaml']) {
    for (const f of readdirSync(join(root, 'configs', sub))) if (/\.(conf|yaml)$/.test(f)) bases.push(join(root, 'configs', sub, f));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

type Mutation = { at: number; kind: 'flip'; char: string } | { at: number; kind: 'insert'; text: string } | { at: number; kind: 'delete'; length: number };

const nesting = fc.tuple(fc.constantFrom('[', '{', '(', '- ', '{a: ', '(?<x>', '  '), fc.integer({ min: 100, max: 8000 })).map(([unit, n]) => unit.repeat(n));
const hugeLine = fc.integer({ min: 10_000, max: 400_000 }).map((n) => `    Key ${'x'.repeat(n)}\n`);
const specialInclude = fc.constantFrom('/dev/zero', '/dev/urandom', '/dev/null', '/proc/self/mem', 'PIPE', '/', '.');
const insertion = fc.oneof(
  nesting,
  hugeLine,
  specialInclude.map((p) => `\n@INCLUDE ${p}\n`),
  specialInclude.map((p) => `\nincludes:\n  - ${p}\n`),
  fc.integer({ min: 100, max: 3000 }).map((n) => `\n@INCLUDE x/{${Array.from({ length: n }, (_, i) => `a${i}`).join(',')}}*.conf\n`),
  fc.constantFrom('\n[', '\n@SET ', '${', '\r', '\0', '\t', '\uFFFD', '\n    Regex (', '\n    Match_Regex [', '*', ': ', '|\n', '&a ', '*a', '!!binary '),
  fc.string({ maxLength: 40 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('flip' as const), char: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) }),
  fc.record({ at: fc.nat(), kind: fc.constant('insert' as const), text: insertion }),
  fc.record({ at: fc.nat(), kind: fc.constant('delete' as const), length: fc.integer({ min: 1, max: 200 }) }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    const text2 = m.kind === 'insert' ? m.text.replace(/PIPE/g, join(root, 'pipe')) : '';
    if (m.kind === 'flip') out = out.slice(0, at) + m.char + out.slice(at + 1);
    else if (m.kind === 'insert') out = out.slice(0, at) + text2 + out.slice(at);
    else out = out.slice(0, at) + out.slice(at + m.length);
  }
  return out;
}

interface Report {
  files: unknown[];
  diagnostics: { code: string; line: number; column: number; severity: string; message: string }[];
}

describe('logferry validate on mutated configurations', () => {
  it('always exits 0, 1 or 2 with well-formed JSON and SARIF, in bounded time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (pick, mutations) => {
        const base = bases[pick % bases.length]!;
        const mutant = base.replace(/(\.\w+)$/, '.mutant$1');
        writeFileSync(mutant, mutate(readFileSync(base, 'utf8'), mutations));
        try {
          const started = Date.now();
          const json = await runCli(['validate', '--format', 'json', mutant]);
          expect([0, 1, 2]).toContain(json.code);
          const report = JSON.parse(json.stdout) as Report;
          expect(Array.isArray(report.files)).toBe(true);
          for (const d of report.diagnostics) {
            expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
            expect(d.code, d.message).not.toBe('internal-error');
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.column).toBeGreaterThanOrEqual(1);
          }
          expect(json.code).toBe(report.diagnostics.some((d) => d.severity === 'error') ? 1 : 0);
          const sarif = await runCli(['validate', '--format', 'sarif', mutant]);
          expect(sarif.code).toBe(json.code);
          expect((JSON.parse(sarif.stdout) as { version: string }).version).toBe('2.1.0');
          expect(Date.now() - started).toBeLessThan(CASE_BOUND_MS);
        } finally {
          rmSync(mutant, { force: true });
        }
      }),
      { numRuns: RUNS },
    );
  }, Math.max(60_000, RUNS * CASE_BOUND_MS));
});
