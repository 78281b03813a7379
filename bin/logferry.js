#!/usr/bin/env node
import { existsSync } from 'node:fs';

// The AWS SDK writes a multi-line warning to stderr on Node 20 (its releases after January 2027
// will need Node 22). The versions package-lock.json pins run on Node 20, and the agent's stderr
// is its log: the warning stays off unless the variable is set.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The bundled CLI starts faster (npm run build makes both); dist/cli is the unbundled fallback.
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`logferry: internal error: ${err?.stack ?? err}\n`); process.exitCode = 70; },
);
