#!/usr/bin/env node
// logferry's command (the package's `bin`): plain JavaScript, so `npx logferry` works wherever
// Node does (Windows included), with no shell in between.
import module from 'node:module';
import { existsSync } from 'node:fs';

// Node 22.1+ keeps the code it compiles on disk (in the OS temporary folder, keyed by Node's
// version and each file's content), so a second `logferry validate` skips compiling the bundle.
// Node 20 has no compile cache and runs without it. bench/NOTES.md has the figures.
module.enableCompileCache?.();

// The AWS SDK's warning that its releases after January 2027 need Node 22 is left on: Node 20 is
// past its end of life, and a user on it should hear so (Node 22+ never shows it).

// The bundled CLI starts faster (npm run build makes both); dist/cli is the unbundled fallback.
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`logferry: internal error: ${err?.stack ?? err}\n`); process.exitCode = 70; },
);
