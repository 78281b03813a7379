#!/usr/bin/env node
import { existsSync } from 'node:fs';

// The bundled CLI starts faster (npm run build makes both); dist/cli is the unbundled fallback.
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`logferry: internal error: ${err?.stack ?? err}\n`); process.exitCode = 70; },
);
