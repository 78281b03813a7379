import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// The transform the bundle build applies (scripts/bundle-cli.mjs), on a chunk esbuild writes for a
// real CommonJS dependency imported from ES modules.
const script = pathToFileURL(join(import.meta.dirname, '../../scripts/lazy-commonjs.mjs')).href;
const { lazyCommonJs } = (await import(script)) as { lazyCommonJs: (text: string) => string };

const dir = mkdtempSync(join(tmpdir(), 'lazy-commonjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const state = globalThis as { lazyDepLoads?: number };

/** Bundles `entry` (which imports ./dep.cjs) as the CLI bundle is built, transformed or not. */
async function bundled(name: string, transform: boolean): Promise<Record<string, (...args: unknown[]) => unknown>> {
  writeFileSync(
    join(dir, 'dep.cjs'),
    'globalThis.lazyDepLoads = (globalThis.lazyDepLoads ?? 0) + 1;\n' +
      'class Doc { constructor(v) { this.v = v; } }\n' +
      'module.exports = { Doc, twice: (x) => 2 * x, label: "dep" };\n',
  );
  writeFileSync(
    join(dir, 'entry.mjs'),
    "import { Doc, twice, label } from './dep.cjs';\nimport glob from './dep.cjs';\n" +
      'export const useDoc = (v) => new Doc(v).v;\nexport const useTwice = (x) => twice(x);\n' +
      'export const useLabel = () => label;\nexport const useDefault = () => glob.label;\n',
  );
  const { outputFiles } = await build({ entryPoints: [join(dir, 'entry.mjs')], bundle: true, format: 'esm', platform: 'node', write: false });
  const text = outputFiles[0]!.text;
  const out = join(dir, `${name}.mjs`);
  writeFileSync(out, transform ? lazyCommonJs(text) : text);
  return (await import(pathToFileURL(out).href)) as Record<string, (...args: unknown[]) => unknown>;
}

describe('bundle: bundled CommonJS dependencies evaluated at first use', () => {
  it('loading the chunk does not run the dependency; the first export read does, once; every kind of import still works', async () => {
    state.lazyDepLoads = 0;
    const m = await bundled('lazy', true);
    expect(state.lazyDepLoads).toBe(0);
    expect(m['useTwice']!(21)).toBe(42);
    expect(state.lazyDepLoads).toBe(1);
    expect(m['useDoc']!('x')).toBe('x');
    expect(m['useLabel']!()).toBe('dep');
    expect(m['useDefault']!()).toBe('dep');
    expect(state.lazyDepLoads).toBe(1);
  });

  it('esbuild writes the eager form the transform looks for (else it would silently do nothing)', async () => {
    state.lazyDepLoads = 0;
    await bundled('eager', false);
    expect(state.lazyDepLoads).toBe(1);
    const { outputFiles } = await build({ entryPoints: [join(dir, 'entry.mjs')], bundle: true, format: 'esm', platform: 'node', write: false });
    expect(lazyCommonJs(outputFiles[0]!.text)).toContain('__logferryLazy(() => __toESM(require_dep(), 1))');
  });
});
