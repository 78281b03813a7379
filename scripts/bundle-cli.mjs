// Bundles the compiled CLI (dist/cli/main.js and everything of ours it imports, lazily imported
// plugin runtimes as split chunks) into dist/bundle/. Node then loads a few files instead of a few
// hundred modules, which is most of `logferry validate`'s start-up time. dist/bundle sits at the same depth as dist/cli, so paths computed
// from import.meta.url (package.json, fixtures) resolve the same.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyCommonJs } from './lazy-commonjs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Chunk names carry content hashes: without this, every build would leave the last one's behind.
rmSync(join(root, 'dist/bundle'), { recursive: true, force: true });
// Each chunk gets a CommonJS `require` for the bundled CommonJS dependencies; a chunk that never
// names it goes without: createRequire costs a Module and its node_modules paths at each start,
// and most chunks do not need it (bench/NOTES.md, "RSS at a steady rate and the cost of a start").
const BANNER = "import { createRequire as __logferryCreateRequire } from 'node:module'; const require = __logferryCreateRequire(import.meta.url);";
const { outputFiles } = await build({
  entryPoints: [join(root, 'dist/cli/main.js')],
  outdir: join(root, 'dist/bundle'),
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
  logLevel: 'warning',
});
for (const file of outputFiles) {
  const text = lazyCommonJs(file.text);
  const body = text.startsWith(BANNER) ? text.slice(BANNER.length) : text;
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, /\brequire\b/.test(body) ? text : body.replace(/^\n/, ''));
}
