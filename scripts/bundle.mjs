// How logferry's CLI is bundled (scripts/bundle-cli.mjs for the package's build, and the tests that
// need the bundle as the build makes it): the entry and everything of ours it imports, lazily
// imported plugin runtimes as split chunks. Node then loads a few files instead of a few hundred
// modules, which is most of `logferry validate`'s start-up time.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { lazyCommonJs } from './lazy-commonjs.mjs';

// Each chunk gets a CommonJS `require` for the bundled CommonJS dependencies; a chunk that never
// names it goes without: createRequire costs a Module and its node_modules paths at each start,
// and most chunks do not need it (bench/NOTES.md, "RSS at a steady rate and the cost of a start").
const BANNER = "import { createRequire as __logferryCreateRequire } from 'node:module'; const require = __logferryCreateRequire(import.meta.url);";

/**
 * Bundles `entry` into `outdir`.
 * @param {{ entry: string, outdir: string, logLevel?: import('esbuild').LogLevel }} options
 */
export async function bundle({ entry, outdir, logLevel = 'warning' }) {
  const { outputFiles } = await build({
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
    write: false,
    logLevel,
  });
  for (const file of outputFiles) {
    const text = lazyCommonJs(file.text);
    const body = text.startsWith(BANNER) ? text.slice(BANNER.length) : text;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, /\brequire\b/.test(body) ? text : body.replace(/^\n/, ''));
  }
}
