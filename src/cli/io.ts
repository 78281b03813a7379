import { statSync } from 'node:fs';
import { resolve } from 'node:path';
/** Exit codes of every logferry command. */
export const EXIT = {
  ok: 0,
  /** The input has errors (validate), or a run failed. */
  problems: 1,
  /** Bad command line or unreadable input. */
  usage: 2,
} as const;

/** What a command may touch of the process, so tests can run commands in-process. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIo(): CommandIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Runs a command's argument parser: on a parse error prints it with the usage (exit 2), on
 * `--help` prints the usage (exit 0); otherwise returns the parsed arguments.
 */
export function commandLine<T extends { readonly values: { readonly help?: boolean | undefined } }>(
  command: string,
  usage: string,
  io: CommandIo,
  parse: () => T,
): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (err) {
    io.stderr(`logferry ${command}: ${(err as Error).message}\n${usage}\n`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout(`${usage}\n`);
    return EXIT.ok;
  }
  return parsed;
}

/**
 * The environment for `${VAR}` expansion: the process environment with `--env KEY=VALUE` pairs on
 * top. Prints the problem and returns the usage exit code for a pair without `=`.
 */
export function envWithOverrides(command: string, pairs: readonly string[], io: CommandIo): Record<string, string | undefined> | number {
  const env: Record<string, string | undefined> = { ...io.env };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      io.stderr(`logferry ${command}: --env needs KEY=VALUE, got '${pair}'\n`);
      return EXIT.usage;
    }
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** True when `path` (relative to the command's working directory) is a regular file. */
export function isFile(path: string, io: CommandIo): boolean {
  try {
    return statSync(resolve(io.cwd, path)).isFile();
  } catch {
    return false;
  }
}
