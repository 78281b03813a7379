import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A fixed environment so golden output does not depend on the machine. */
export const GOLDEN_ENV: Readonly<Record<string, string>> = { HOSTNAME: 'golden-host' };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process with the repository root as working directory; `extra`: standard input, terminals. */
export async function runCli(
  args: string[],
  env: Readonly<Record<string, string>> = GOLDEN_ENV,
  cwd = REPO_ROOT,
  extra: Pick<CommandIo, 'readStdin' | 'isTTY'> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    cwd,
    ...extra,
  });
  return { code, stdout, stderr };
}
