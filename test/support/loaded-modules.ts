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
  const report = `console.log(JSON.stringify(process.moduleLoadList.filter((m) => ${pattern.toString()}.test(m))));`;
  const out = execFileSync(NODE, ['--import', 'tsx', '--input-type=module', '-e', script + report], { cwd: REPO_ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? 'null') as string[];
}
