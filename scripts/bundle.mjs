// How logferry's CLI is bundled (scripts/bundle-cli.mjs for the package's build, and the tests that
// need the bundle as the build makes it): the entry and everything of ours it imports, lazily
// imported plugin runtimes as split chunks. Node then loads a few files instead of a few hundred
// modules, which is most of `logferry validate`'s start-up time.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyCommonJs } from './lazy-commonjs.mjs';

// Each chunk gets a CommonJS `require` for the bundled CommonJS dependencies; a chunk that never
// names it goes without: createRequire costs a Module and its node_modules paths at each start,
// and most chunks do not need it (bench/NOTES.md, "RSS at a steady rate and the cost of a start").
const BANNER = "import { createRequire as __logferryCreateRequire } from 'node:module'; const require = __logferryCreateRequire(import.meta.url);";

// Packages only some configs use, each bundled apart into `vendor/<name>.cjs` and required when
// one of its exports is first read (scripts/lazy-commonjs.mjs): yaml (YAML configs, `condition`
// rules, `logferry test` specs), fast-glob (tail Paths and @INCLUDE with wildcards) and
// oniguruma-to-es (regex parsers, grep/rewrite_tag rules). The chunks that import them hold a
// two-line stub instead of the package, so a start that needs none of them neither reads nor
// compiles their 570 KB (bench/NOTES.md, "The agent's start, second pass").
const LAZY_PACKAGES = ['yaml', 'fast-glob', 'oniguruma-to-es'];
const VENDOR_DIR = 'vendor';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The stub a lazily loaded package is bundled as: it requires the package's own bundle. */
function vendorStub(name) {
  const file = `./${VENDOR_DIR}/${name}.cjs`;
  return (
    `try { module.exports = require(${JSON.stringify(file)}); }\n` +
    `catch (err) { throw new Error(\`logferry: cannot load the package ${name} (${VENDOR_DIR}/${name}.cjs next to the bundle): \${err.message}\`, { cause: err }); }\n`
  );
}

/** esbuild plugin: each of LAZY_PACKAGES imported from our code becomes its stub. */
const lazyPackages = {
  name: 'logferry-lazy-packages',
  setup(build) {
    const names = new RegExp(`^(${LAZY_PACKAGES.map((n) => n.replace(/[-.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: 'logferry-lazy' }));
    build.onResolve({ filter: /^\.\/vendor\//, namespace: 'logferry-lazy' }, (args) => ({ path: args.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'logferry-lazy' }, (args) => ({ contents: vendorStub(args.path), loader: 'js' }));
  },
};

/** Writes each of LAZY_PACKAGES as one CommonJS file in `outdir`/vendor. */
async function bundleVendor(outdir, logLevel) {
  const { outputFiles } = await build({
    entryPoints: Object.fromEntries(LAZY_PACKAGES.map((name) => [name, name])),
    absWorkingDir: ROOT,
    outdir: join(outdir, VENDOR_DIR),
    outExtension: { '.js': '.cjs' },
    // Without comments and indentation, a third smaller to read and to hold as source text (and
    // oniguruma-to-es's source one-byte: its only non-ASCII characters are in comments). Names are kept.
    minifyWhitespace: true,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel,
  });
  return outputFiles;
}

/**
 * Our modules only ever imported dynamically (plugin runtimes, commands), as absolute paths.
 *
 * esbuild puts each module in a chunk keyed by the set of entry points (the main one and each
 * dynamic import) that reach it, so the modules the main entry loads at every start were spread
 * over 36 chunks, many under 1 KB, by which plugin runtimes also reach them; Node resolved,
 * read, compiled and linked each (~200 import edges, 52 files for dummy -> null), and resolving them
 * made node:path's normalizeString hot enough for TurboFan, whose code is 6 MB of RSS
 * (bench/NOTES.md, "The agent's start, second pass").
 */
function joinedToEntry(metafile, entry) {
  const cwd = process.cwd();
  const inputs = metafile.inputs;
  const key = Object.keys(inputs).find((k) => resolve(cwd, k) === resolve(entry));
  if (key === undefined) throw new Error(`bundle: ${entry} is not among esbuild's inputs`);
  const staticClosure = new Set();
  const stack = [key];
  const dynamic = new Set();
  for (const [, input] of Object.entries(inputs)) for (const i of input.imports) if (i.kind === 'dynamic-import' && !i.external) dynamic.add(i.path);
  while (stack.length > 0) {
    const k = stack.pop();
    if (k === undefined || staticClosure.has(k) || inputs[k] === undefined) continue;
    staticClosure.add(k);
    for (const i of inputs[k].imports) if (i.kind !== 'dynamic-import' && !i.external) stack.push(i.path);
  }
  // Ours only: a package's file (possibly CommonJS) is left as it is; `x:y` paths are plugins' namespaces.
  const ours = (k) => !k.includes('node_modules/') && !k.includes(':');
  return new Set([...dynamic].filter((k) => !staticClosure.has(k) && ours(k)).map((k) => resolve(cwd, k)));
}

/**
 * esbuild plugin: each module of `joined` imports `entry` first. Every module the main entry reaches
 * is then reached by every entry point, so esbuild puts them all in one chunk. The import runs
 * nothing: these modules are loaded only by `import()` from code the entry loaded, after it was
 * evaluated (the sources have no top-level await).
 */
function importingEntry(entry, joined) {
  const loaders = { '.ts': 'ts', '.js': 'js', '.mjs': 'js' };
  return {
    name: 'logferry-importing-entry',
    setup(build) {
      build.onLoad({ filter: /\.(ts|m?js)$/ }, (args) => {
        if (!joined.has(args.path)) return undefined;
        const contents = `import ${JSON.stringify(resolve(entry))};\n${readFileSync(args.path, 'utf8')}`;
        return { contents, loader: loaders[extname(args.path)], resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * Bundles `entry` into `outdir`.
 * @param {{ entry: string, outdir: string, logLevel?: import('esbuild').LogLevel }} options
 */
export async function bundle({ entry, outdir, logLevel = 'warning' }) {
  const options = {
    entryPoints: [entry],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Small pure-JS dependencies are bundled too; the AWS SDK (loaded only by the AWS plugins), the
    // native SQLite binding and wasmoon (the lua filter's Lua VM: its glue finds glue.wasm next to
    // itself, through __dirname) stay external.
    external: ['@aws-sdk/*', '@smithy/*', 'better-sqlite3', 'wasmoon'],
    banner: { js: BANNER },
    // .mjs, not .js: Node knows an .mjs file is an ES module by its name, where for each .js file it
    // looks up the package scope's package.json "type" (~10 ms over the ~50 files of an agent's start).
    outExtension: { '.js': '.mjs' },
    plugins: [lazyPackages],
    write: false,
    logLevel,
  };
  // Built twice: the first build's metafile says which modules are only imported dynamically.
  const first = await build({ ...options, metafile: true });
  const joined = joinedToEntry(first.metafile, entry);
  const { outputFiles } = await build({ ...options, plugins: [lazyPackages, importingEntry(entry, joined)] });
  for (const file of await bundleVendor(outdir, logLevel)) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
  for (const file of outputFiles) {
    const text = lazyCommonJs(file.text);
    const body = text.startsWith(BANNER) ? text.slice(BANNER.length) : text;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, /\brequire\b/.test(body) ? text : body.replace(/^\n/, ''));
  }
}
