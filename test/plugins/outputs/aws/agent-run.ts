/**
 * The AWS outputs as real processes: a config that tails a file to its end (Exit_On_Eof) into one
 * output pointed at the local endpoint, and `logferry run -c` on it (src/cli/entry.ts through tsx)
 * with local credentials and no shared config files or instance metadata.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../support/cli.js';
import { LOCAL_CREDENTIALS } from './use-aws-local.js';

/** tail `log` -> one output (its Name and own keys in `output`) sending to `endpoint`, retried without limit. */
export function tailToOutput(endpoint: string, log: string, output: string): string {
  return [
    '[SERVICE]',
    '    Flush 0.2',
    '    Grace 60',
    '    Log_Level info',
    '    scheduler.base 1',
    '    scheduler.cap 1',
    '',
    '[INPUT]',
    '    Name tail',
    `    Path ${log}`,
    '    Tag app',
    '    Read_from_Head On',
    '    Exit_On_Eof On',
    '',
    '[OUTPUT]',
    `    Match *`,
    '    region us-east-1',
    `    endpoint ${endpoint}`,
    '    Retry_Limit no_limits',
    output,
  ].join('\n');
}

/** `logferry run -c conf` as a child process with local credentials; `stderr()` is what it wrote so far. */
export function startAgent(conf: string, env: Record<string, string> = {}): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', conf], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...LOCAL_CREDENTIALS,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  return { child, stderr: () => stderr, exited };
}

export async function runAgent(conf: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const agent = startAgent(conf, env);
  const code = await agent.exited;
  return { code, stderr: agent.stderr() };
}
