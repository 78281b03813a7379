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
