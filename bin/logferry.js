#!/usr/bin/env node
// logferry's command (the package's `bin`): plain JavaScript, so `npx logferry` works wherever
// Node does (Windows included), with no shell in between.
import module from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentMemorySettings, agentRuntimeFlags } from './node-settings.js';

// The agent runs with Node's memory settings tuned for a long-lived process that holds its records
// in Buffers (bench/NOTES.md, "Memory through an outage"): they can only be given when Node starts,
// so the process replaces itself once (process.execve, Node 22.15+; on older Node it runs as is).
const tuned = agentMemorySettings(process.argv.slice(2), process.execArgv, process.env);
if (tuned !== undefined && typeof process.execve === 'function') {
  try {
    process.execve(process.execPath, [process.execPath, ...tuned.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], tuned.env);
  } catch {
    // Cannot replace the process (a sandbox refusing execve): run untuned.
  }
}
// And the V8 flags the agent sets on itself (bin/node-settings.js: Node refuses them in NODE_OPTIONS).
const runtimeFlags = agentRuntimeFlags(process.argv.slice(2), process.execArgv, process.env);
if (runtimeFlags.length > 0) {
  const v8 = await import('node:v8');
  for (const flag of runtimeFlags) v8.setFlagsFromString(flag);
}

// Node 22.1+ keeps the code it compiles on disk (in the OS temporary folder, keyed by Node's
// version and each file's content), so a second `logferry validate` skips compiling the bundle.
// Node 20 has no compile cache and runs without it. bench/NOTES.md has the figures.
module.enableCompileCache?.();

// The AWS SDK's warning that its releases after January 2027 need Node 22 is left on: Node 20 is
// past its end of life, and a user on it should hear so (Node 22+ never shows it).

// The bundled CLI starts faster (npm run build makes both); dist/cli is the unbundled fallback.
const bundled = new URL('../dist/bundle/main.mjs', import.meta.url);
// No module.registerHooks resolve hook for its chunks: 30-40 ms less CPU at start, but the agent's
// peak RSS through an outage rose by 30 MB with it (bench/NOTES.md, "The chunk resolve hook").
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`logferry: internal error: ${err?.stack ?? err}\n`); process.exitCode = 70; },
);
