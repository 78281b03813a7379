// Builds the CLI's V8 start-up snapshot: dist/snapshot/logferry.blob (or into the folder given as
// the first argument). src/cli/snapshot-entry.ts is bundled by esbuild into one CommonJS script
// (a snapshot is made from a single script), Node runs it with --build-snapshot, which loads the
// configuration engine and warms it up on the Container Insights configuration, and writes the
// heap to the blob. bin/logferry starts validate/explain/convert/schema/version/help from it.
//
// A blob fits only the Node binary that built it, so node.txt next to it records that binary
// (real path, size, modification time) and this checkout's real path for bin/logferry to compare. Paths the code computes from
// import.meta.url are those of dist/snapshot/logferry.cjs in this checkout: the blob is built in
// place and used from there.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist', 'snapshot'));
const script = join(outDir, 'logferry.cjs');
const blob = join(outDir, 'logferry.blob');
mkdirSync(outDir, { recursive: true });
rmSync(blob, { force: true });

await build({
  entryPoints: [join(root, 'src', 'cli', 'snapshot-entry.ts')],
  outfile: script,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Only the commands that never load these are served from the snapshot.
  external: ['@aws-sdk/*', '@smithy/*', 'better-sqlite3'],
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(root, 'dist', 'snapshot', 'logferry.cjs')).href) },
  // The script's text and its positions are part of the heap the snapshot holds: minified, the
  // blob is 6.2 instead of 8.5 MB and starting from it ~15 ms faster. Names are kept (error
  // names, class names in messages).
  minify: true,
  keepNames: true,
  logLevel: 'error',
});

try {
  execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', script], {
    cwd: root,
    env: { ...process.env, LOGFERRY_SNAPSHOT_ROOT: root },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
} catch (err) {
  // Without a snapshot bin/logferry starts every command the usual way: slower, not broken.
  rmSync(blob, { force: true });
  process.stderr.write(`build-snapshot: no start-up snapshot made (${err.message.split('\n')[0]}); bin/logferry will start without it\n`);
  process.exit(0);
}

const node = realpathSync(process.execPath);
const st = statSync(node);
// The checkout the paths inside the snapshot point at: a moved or copied package starts without it.
writeFileSync(join(outDir, 'node.txt'), `${node} ${st.size} ${Math.floor(st.mtimeMs / 1000)} ${realpathSync(root)}\n`);
