import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { parseArgs, ParseArgsConfig } from 'node:util';
import { didYouMean } from '../diagnostics/did-you-mean.js';

/**
 * node:util as Node's CommonJS module (loaded by Node itself at start): on Node 22+ an ESM import
 * of it builds the module's ESM facade, whose getters load node:worker_threads, streams and the
 * diff helpers at every start (bench/NOTES.md, "Builtins loaded at start").
 */
const util = process.getBuiltinModule('node:util');

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
  /** All of standard input (`validate -`); absent: there is none to read. */
  readonly readStdin?: () => Promise<string>;
  /** Whether stdout / stderr are terminals (colour); absent: neither is. */
  readonly isTTY?: { readonly stdout: boolean; readonly stderr: boolean };
  /** Changes the process's working directory (`--workdir`); absent in-process (tests): only `cwd` changes. */
  readonly chdir?: (dir: string) => void;
}

export function processIo(): CommandIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    isTTY: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    chdir: (dir) => process.chdir(dir),
  };
}

/** The first paragraph of a command's usage (its synopsis) and where the rest is: what a usage error prints. */
export function shortUsage(command: string, usage: string): string {
  const synopsis = usage.split('\n\n')[0]!;
  return `${synopsis}\nRun '${commandName(command)} --help' for more.`;
}

/** `logferry validate`, or `logferry` for the command line without a command. */
function commandName(command: string): string {
  return command ? `logferry ${command}` : 'logferry';
}

/**
 * Prints a usage error: the problem, then the synopsis (not the whole help). Returns the usage exit code.
 */
export function usageError(command: string, usage: string, io: CommandIo, message: string): number {
  io.stderr(`${commandName(command)}: ${message}\n${shortUsage(command, usage)}\n`);
  return EXIT.usage;
}

/**
 * What is wrong with a command line, said as a person would: an unknown option with the closest
 * known one, an option missing its value, a flag given a value, an unexpected argument. Node's
 * parseArgs messages ("Unknown option '--formt'. To specify a positional argument starting with a
 * '-', place it at the end ... as in '-- \"--formt\"") are for programmers.
 */
export function argumentProblem(config: ParseArgsConfig): string | undefined {
  const options = config.options ?? {};
  const names = Object.keys(options);
  const { tokens } = util.parseArgs({ ...config, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (!config.allowPositionals) return `unexpected argument '${token.value}'`;
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) {
      const long = token.rawName.startsWith('--');
      const suggestion = long ? didYouMean(token.name, names) : undefined;
      return `unknown option '${token.rawName}'${suggestion ? `; did you mean '--${suggestion}'?` : ''}`;
    }
    if (spec.type === 'string' && token.value === undefined) return `${token.rawName} needs a value`;
    // Node takes no value starting with '-' unless written --name=value: what follows is the next option.
    if (spec.type === 'string' && !token.inlineValue && token.value !== undefined && token.value.length > 1 && token.value.startsWith('-')) {
      return `${token.rawName} needs a value (one starting with '-' is written ${token.rawName}=${token.value})`;
    }
    if (spec.type === 'boolean' && token.inlineValue) return `${token.rawName} takes no value`;
  }
  return undefined;
}

/**
 * Parses a command's arguments with `config`: on a problem prints it with a suggestion and the
 * synopsis (exit 2), on `--help` prints the usage (exit 0); otherwise returns the parsed arguments.
 */
export function commandLine<T extends ParseArgsConfig>(command: string, usage: string, io: CommandIo, config: T): ReturnType<typeof parseArgs<T>> | number {
  const problem = argumentProblem(config);
  if (problem !== undefined) return usageError(command, usage, io, problem);
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = util.parseArgs(config);
  } catch (err) {
    // Not met by argumentProblem: Node's message up to its advice.
    return usageError(command, usage, io, (err as Error).message.split(/\.( |\n)/)[0]!);
  }
  if ((parsed.values as { help?: boolean }).help) {
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
