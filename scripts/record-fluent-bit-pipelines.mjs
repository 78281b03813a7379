#!/usr/bin/env node
/**
 * Records the expected output of the golden pipeline cases in fixtures/fluent-bit-4.2.8/pipelines
 * with a Fluent Bit binary (default /work/fb-src/build/bin/fluent-bit, or $FLUENT_BIT): each case's
 * fluent-bit.yaml reads ${GOLDEN_DIR}/input.log and writes file outputs under ${GOLDEN_OUT}, which
 * is the case's expected/ directory. Usage: node scripts/record-fluent-bit-pipelines.mjs [case...]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fluent-bit-4.2.8', 'pipelines');
const binary = process.env.FLUENT_BIT ?? '/work/fb-src/build/bin/fluent-bit';
const wanted = process.argv.slice(2);
for (const name of readdirSync(root)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const dir = join(root, name);
  const expected = join(dir, 'expected');
  rmSync(expected, { recursive: true, force: true });
  mkdirSync(expected);
  const r = spawnSync(binary, ['-q', '-c', join(dir, 'fluent-bit.yaml')], {
    env: { ...process.env, GOLDEN_DIR: dir, GOLDEN_OUT: expected },
    encoding: 'utf8',
    timeout: 30_000,
  });
  console.log(`${name}: exit ${r.status} ${readdirSync(expected).join(', ')}`);
  if (r.status !== 0) console.log(r.stderr);
}
