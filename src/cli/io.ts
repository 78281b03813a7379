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
