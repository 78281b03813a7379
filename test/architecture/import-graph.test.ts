/**
 * The import rules of docs/architecture.md, checked on the static import graph (what Node loads
 * before any code runs). The first: `logferry validate` loads no engine code and no plugin
 * runtime, so checking a configuration starts nothing and cannot be slowed or broken by runtime
 * code. A plugin runtime is a module a plugin definition (src/plugins/<kind>/<name>/index.ts)
 * loads with `import()` in its `create`; files the definitions import statically (option
 * fragments, interval checks, name rules) are part of the definition side.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { cycleThrough, dynamicImports, everyImport, forbiddenChains, reachable, staticImports } from './import-graph.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PLUGIN_KINDS = ['inputs', 'filters', 'outputs'] as const;

/** The `.ts` sources under a folder of the repository (declaration files aside). */
function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every plugin definition: src/plugins/<kind>/<name>/index.ts (`shared` holds helpers, not a plugin). */
function pluginDefinitions(): string[] {
  return PLUGIN_KINDS.flatMap((kind) =>
    readdirSync(join(ROOT, 'src/plugins', kind), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'shared')
      .map((e) => join(ROOT, 'src/plugins', kind, e.name, 'index.ts')),
  );
}

/** Whether a definition declares a `create` (the Go outputs it only validates have none). */
function declaresCreate(file: string): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    const named = ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node) || ts.isShorthandPropertyAssignment(node);
    if (named && ts.isIdentifier(node.name) && node.name.text === 'create') found = true;
    else ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false));
  return found;
}

const RUNTIMES = new Set(pluginDefinitions().flatMap(dynamicImports));
const within = (folder: string) => (file: string) => relative(ROOT, file).startsWith(`${folder}/`);
const engine = within('src/engine');
const pluginRuntime = (file: string) => RUNTIMES.has(file);
const engineOrRuntime = (file: string) => engine(file) || pluginRuntime(file);

interface Rule {
  readonly name: string;
  readonly from: readonly string[];
  readonly mayNotLoad: (file: string) => boolean;
}

/** docs/architecture.md, "What may import what": each rule holds on today's code. */
const RULES: readonly Rule[] = [
  { name: 'src/cli/validate.ts loads no engine file and no plugin runtime', from: [join(ROOT, 'src/cli/validate.ts')], mayNotLoad: engineOrRuntime },
  { name: 'src/config loads no engine file and no plugin runtime', from: sourcesUnder('src/config'), mayNotLoad: engineOrRuntime },
  { name: 'src/docs (explain, schema) loads no engine file and no plugin runtime', from: sourcesUnder('src/docs'), mayNotLoad: engineOrRuntime },
  { name: 'src/parsers loads no engine file and nothing of src/plugins', from: sourcesUnder('src/parsers'), mayNotLoad: (f) => engine(f) || within('src/plugins')(f) },
  {
    name: 'src/options loads nothing of src/plugins, src/config or src/engine',
    from: sourcesUnder('src/options'),
    mayNotLoad: (f) => within('src/plugins')(f) || within('src/config')(f) || engine(f),
  },
  { name: 'src/diagnostics loads nothing else of src', from: sourcesUnder('src/diagnostics'), mayNotLoad: (f) => within('src')(f) && !within('src/diagnostics')(f) },
  { name: 'src/engine loads nothing of src/plugins (runtimes come from the plan)', from: sourcesUnder('src/engine'), mayNotLoad: within('src/plugins') },
  { name: 'src/engine loads nothing of src/config/analyze (tag patterns and route keys are in src/record)', from: sourcesUnder('src/engine'), mayNotLoad: within('src/config/analyze') },
  {
    // Type imports vanish at runtime: the routing keys read a plan instance and a compiled regex.
    name: 'src/record loads no file outside src/record (everyone shares it; it shares nothing back)',
    from: sourcesUnder('src/record'),
    mayNotLoad: (f) => !within('src/record')(f),
  },
  {
    name: 'the library (src/index.ts) loads no CLI, bench, config-test or local stand-in',
    from: [join(ROOT, 'src/index.ts')],
    mayNotLoad: (f) => ['src/cli', 'src/bench', 'src/config-test', 'src/aws-local', 'src/kube-local'].some((d) => within(d)(f)),
  },
];

describe('import rules of docs/architecture.md', () => {
  it('finds the plugin runtimes: every definition with a create loads its runtime with import()', () => {
    const withCreate = pluginDefinitions().filter(declaresCreate);
    expect(withCreate.length).toBeGreaterThan(20);
    for (const definition of withCreate) expect(dynamicImports(definition), relative(ROOT, definition)).not.toEqual([]);
  });

  it.each(RULES)('$name', ({ from, mayNotLoad }) => {
    const graph = reachable(from);
    const chains = forbiddenChains(graph, mayNotLoad, ROOT);
    // The message names each offending file with the chain of imports that loads it.
    expect(chains, `forbidden imports:\n  ${chains.join('\n  ')}\n`).toEqual([]);
  });

  it('src/parsers imports nothing of src/engine or src/plugins, not even a type (the event types are in src/record)', () => {
    const offending = sourcesUnder('src/parsers').flatMap((file) =>
      staticImports(file, { types: true })
        .filter((f) => engine(f) || within('src/plugins')(f))
        .map((f) => `${relative(ROOT, file)} -> ${relative(ROOT, f)}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('plugin import cycles', () => {
  // A runtime that imports its definition back (even for a type only) closes a cycle through the
  // definition's import(): tools that count type imports report it, and the definition and its
  // runtime can no longer be read apart. Runtimes type their options from <plugin>/options.ts.
  it.each(pluginDefinitions().map((file) => [relative(ROOT, file), file] as const))('%s is on no import cycle, type imports included', (_name, file) => {
    expect(cycleThrough(file, everyImport, ROOT)).toBeUndefined();
  });
});

describe('the import-graph walker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-imports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>): void => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  };

  it('follows static imports and re-exports, skips type-only and dynamic ones, and prints the chain to a forbidden file', () => {
    write({
      'cli/validate.ts': "import { check } from '../config/check.js';\nimport type { Batch } from '../engine/types.js';\nexport { check };\n",
      'config/check.ts': "import { rule } from '../plugins/def.js';\nimport { type Batch, type Slot } from '../engine/types.js';\nexport { type Flush } from '../engine/flush.js';\nexport const check = rule;\n",
      'plugins/def.ts': "export * from './helper.js';\nexport const rule = 1;\nexport const create = async () => import('./runtime.js');\n",
      'plugins/helper.ts': "import '../engine/side-effect.js';\nimport data from './data.json';\nexport const help = data;\n",
      'plugins/data.json': '{}',
      'plugins/runtime.ts': "import { slot } from '../engine/slot.js';\nexport const run = slot;\n",
      'engine/types.ts': 'export interface Batch {}\nexport interface Slot {}\n',
      'engine/flush.ts': 'export interface Flush {}\n',
      'engine/side-effect.ts': 'export {};\n',
      'engine/slot.ts': 'export const slot = 1;\n',
    });
    const graph = reachable([join(dir, 'cli/validate.ts')]);
    expect([...graph.keys()].map((f) => relative(dir, f)).sort()).toEqual(['cli/validate.ts', 'config/check.ts', 'engine/side-effect.ts', 'plugins/data.json', 'plugins/def.ts', 'plugins/helper.ts']);
    expect(forbiddenChains(graph, (f) => relative(dir, f).startsWith('engine/'), dir)).toEqual([
      'cli/validate.ts -> config/check.ts -> plugins/def.ts -> plugins/helper.ts -> engine/side-effect.ts',
    ]);
    expect(dynamicImports(join(dir, 'plugins/def.ts')).map((f) => relative(dir, f))).toEqual(['plugins/runtime.ts']);
  });

  it('gives a shortest chain when a file is reached twice', () => {
    write({
      'short/a.ts': "import './b.js';\nimport './c.js';\n",
      'short/b.ts': "import './c.js';\n",
      'short/c.ts': 'export {};\n',
    });
    const graph = reachable([join(dir, 'short/a.ts')]);
    expect(forbiddenChains(graph, (f) => f.endsWith('c.ts'), dir)).toEqual(['short/a.ts -> short/c.ts']);
  });

  it('with type imports, finds a cycle closed by a runtime importing its definition for a type', () => {
    write({
      'cycle/index.ts': "import { TABLE } from './options.js';\nexport default { options: TABLE, create: async () => import('./runtime.js') };\n",
      'cycle/options.ts': 'export const TABLE = {};\n',
      'cycle/runtime.ts': "import type definition from './index.js';\nimport { TABLE } from './options.js';\nexport type D = typeof definition;\nexport const t = TABLE;\n",
      'acyclic/index.ts': "export default { create: async () => import('./runtime.js') };\n",
      'acyclic/options.ts': 'export type Options = {};\n',
      'acyclic/runtime.ts': "import type { Options } from './options.js';\nexport type O = Options;\n",
    });
    expect(staticImports(join(dir, 'cycle/runtime.ts')).map((f) => relative(dir, f))).toEqual(['cycle/options.ts']);
    expect(staticImports(join(dir, 'cycle/runtime.ts'), { types: true }).map((f) => relative(dir, f))).toEqual(['cycle/index.ts', 'cycle/options.ts']);
    expect(cycleThrough(join(dir, 'cycle/index.ts'), everyImport, dir)).toBe('cycle/index.ts -> cycle/runtime.ts -> cycle/index.ts');
    expect(cycleThrough(join(dir, 'cycle/index.ts'), staticImports, dir)).toBeUndefined();
    expect(cycleThrough(join(dir, 'acyclic/index.ts'), everyImport, dir)).toBeUndefined();
  });

  it('refuses an import it cannot resolve instead of skipping it', () => {
    write({ 'broken/a.ts': "import { x } from './missing.js';\n" });
    expect(() => reachable([join(dir, 'broken/a.ts')])).toThrow(/cannot resolve import '.\/missing.js'/);
  });
});
