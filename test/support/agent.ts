import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

export interface Agent {
  child: ChildProcess;
  /** Resolves once the agent logged `started:`. */
  started: Promise<void>;
  exited: Promise<number | null>;
  stderr(): string;
  /** Resolves once stderr matches `pattern` (checked on every new line). */
  logged(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** A real `logferry run -c conf` process (from source through tsx), its stderr collected. */
export function startAgent(conf: string): Agent {
  return startLogferry(['run', '-c', conf]);
}

/** A real `logferry <args>` process (from source through tsx), its stderr collected. */
export function startLogferry(args: readonly string[]): Agent {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const watchers: (() => void)[] = [];
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    for (const w of [...watchers]) w();
  });
  const logged = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve) => {
      const check = () => {
        const m = pattern.exec(err);
        if (!m) return false;
        watchers.splice(watchers.indexOf(check), 1);
        resolve(m);
        return true;
      };
      watchers.push(check);
      check();
    });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, started: logged(/started:/).then(() => undefined), exited, stderr: () => err, logged };
}
