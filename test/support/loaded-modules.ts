/**
 * Which of Node's modules a script loads, run in a fresh Node from the repository's root through
 * tsx. Node 22+ builds the ESM facade of node:http with lazy getters that load undici (and with it
 * http2 and tls); Node 20 has none, so tests of that hold there either way: LOGFERRY_TEST_NODE
 * runs them on another Node (CI's 24).
 */
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './cli.js';

const NODE = process.env['LOGFERRY_TEST_NODE'] ?? process.execPath;

/** The entries of `process.moduleLoadList` matching `pattern` after `script` (an ES module body) ran. */
export function modulesLoadedBy(script: string, pattern: RegExp): string[] {
  return reportAfter(script, `process.moduleLoadList.filter((m) => ${pattern.toString()}.test(m))`);
}

/**
 * The files of CommonJS modules (packages such as the AWS SDK's, whether imported or required)
 * matching `pattern` after `script` ran, with `env` added to the environment.
 */
export function packageFilesLoadedBy(script: string, pattern: RegExp, env: Readonly<Record<string, string>> = {}): string[] {
  const loaded = "Object.keys((await import('node:module')).createRequire(import.meta.url).cache)";
  return reportAfter(script, `${loaded}.filter((m) => ${pattern.toString()}.test(m))`, env);
}

/** The JSON of `expression` evaluated after `script`, in a fresh Node. */
function reportAfter(script: string, expression: string, env: Readonly<Record<string, string>> = {}): string[] {
  const report = `;console.log(JSON.stringify(${expression}));`;
  const out = execFileSync(NODE, ['--import', 'tsx', '--input-type=module', '-e', script + report], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return JSON.parse(out.trim().split('\n').pop() ?? 'null') as string[];
}
