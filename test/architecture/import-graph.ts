/**
 * The static import graph of the TypeScript sources, as Node loads it: `import ... from`,
 * side-effect `import '...'` and `export ... from` with a relative specifier. `import type`,
 * `export type` and imports whose every name is `type` vanish at runtime and are not edges;
 * dynamic `import()` is not an edge either (that is how a plugin definition defers its runtime).
 * Package and `node:` specifiers are not followed. `everyImport` is the wider graph tools that
 * count type imports see (type-only and dynamic imports included), used to find import cycles.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Parsed sources by path: the rules walk overlapping graphs, each file is parsed once. */
const parsed = new Map<string, ts.SourceFile>();

function parse(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (!source) {
    source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    parsed.set(file, source);
  }
  return source;
}

/** Whether an import declaration loads its module at runtime. */
function loadsAtRuntime(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return false;
    const names = node.exportClause;
    return !(names && ts.isNamedExports(names) && names.elements.length > 0 && names.elements.every((e) => e.isTypeOnly));
  }
  const clause = node.importClause;
  if (!clause) return true; // import './side-effect.js'
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const bindings = clause.namedBindings;
  return !(bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly));
}

/**
 * The file a relative specifier names: `./x.js` is `./x.ts` when that exists (ESM TypeScript
 * imports name the emitted file), else the file itself (a generated `.js`, a `.json`).
 */
export function resolveSpecifier(fromFile: string, specifier: string): string {
  const target = resolve(dirname(fromFile), specifier);
  if (target.endsWith('.js')) {
    const source = `${target.slice(0, -3)}.ts`;
    if (existsSync(source)) return source;
  }
  if (existsSync(target)) return target;
  throw new Error(`${fromFile}: cannot resolve import '${specifier}'`);
}

/**
 * The files `file` loads at runtime through static imports (relative ones only); with
 * `{ types: true }` also the files it imports types from (`import type`, `export type`).
 */
export function staticImports(file: string, kinds: { readonly types?: boolean } = {}): string[] {
  const targets: string[] = [];
  for (const node of parse(file).statements) {
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) continue;
    const spec = node.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.') || !(kinds.types === true || loadsAtRuntime(node))) continue;
    targets.push(resolveSpecifier(file, spec.text));
  }
  return targets;
}

/** The specifiers of every dynamic `import('...')` with a literal argument in `file`. */
export function dynamicImports(file: string): string[] {
  const targets: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg) && arg.text.startsWith('.')) targets.push(resolveSpecifier(file, arg.text));
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return targets;
}

/**
 * Every file reachable from `entries` through static imports, each with the file that first
 * imported it (breadth first, so the chain back to an entry is a shortest one). Only `.ts`
 * sources are read; other files (generated `.js`, `.json`) are leaves.
 */
export function reachable(entries: readonly string[], importsOf: (file: string) => string[] = staticImports): Map<string, string | undefined> {
  const parent = new Map<string, string | undefined>(entries.map((e) => [resolve(e), undefined]));
  const queue = [...parent.keys()];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!file.endsWith('.ts')) continue;
    for (const target of importsOf(file)) {
      if (parent.has(target)) continue;
      parent.set(target, file);
      queue.push(target);
    }
  }
  return parent;
}

/** The import chain from an entry to `file`, paths relative to `root`: `a.ts -> b.ts -> c.ts`. */
export function chainTo(graph: ReadonlyMap<string, string | undefined>, file: string, root: string): string {
  const chain: string[] = [];
  for (let f: string | undefined = file; f !== undefined; f = graph.get(f)) chain.unshift(relative(root, f));
  return chain.join(' -> ');
}

/** The chain to every reachable file `forbidden` holds, sorted (empty when the graph is clean). */
export function forbiddenChains(graph: ReadonlyMap<string, string | undefined>, forbidden: (file: string) => boolean, root: string): string[] {
  return [...graph.keys()]
    .filter(forbidden)
    .map((f) => chainTo(graph, f, root))
    .sort();
}

/** Every file `file` names in an import: static ones, type-only ones and dynamic `import()`. */
export function everyImport(file: string): string[] {
  return [...new Set([...staticImports(file, { types: true }), ...dynamicImports(file)])];
}

/**
 * A shortest import chain from `file` back to itself (`a.ts -> b.ts -> a.ts`, paths relative to
 * `root`), or undefined when `file` is on no import cycle of the graph `importsOf` describes.
 */
export function cycleThrough(file: string, importsOf: (file: string) => string[], root: string): string | undefined {
  const start = resolve(file);
  const graph = reachable(importsOf(start), importsOf);
  return graph.has(start) ? `${relative(root, start)} -> ${chainTo(graph, start, root)}` : undefined;
}
