/**
 * `Exit_On_Eof` with stdout piped to a slow reader (issue 16): the real agent tails a CRI file and a
 * Docker file and prints json_lines into a pipe this process reads with pauses, so the agent's
 * writes wait for the reader (backpressure) when the files reach their end and the agent stops.
 * Every line must come out exactly once and the exit status must be 0.
 *
 * `Grace 0`: the reader's pauses outlast any grace period, so nothing written to stdout may depend
 * on it. Size: LOGFERRY_EOF_PIPE_LINES lines in all (default 25,000), LOGFERRY_EOF_PIPE_RUNS runs
 * (default 3; the issue's check is 20).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../support/cli.js';
import { useTempDir } from '../../../support/temp-dir.js';

const LINES = Number(process.env['LOGFERRY_EOF_PIPE_LINES'] ?? 25_000);
const RUNS = Number(process.env['LOGFERRY_EOF_PIPE_RUNS'] ?? 3);
/** How long the reader stops reading after the first output, then between reads (ms). */
const FIRST_PAUSE_MS = 400;
const PAUSE_MS = 2;
/** About 10 MB in all at the default size: more than the 8 MiB tail reads ahead of its outputs. */
const PAD = 'x'.repeat(360);

const tmp = useTempDir('logferry-eof-pipe-');

/** Writes the two files; returns the line ids they hold (`cri <n>`, `docker <n>`). */
function writeLogs(): string[] {
  const ids: string[] = [];
  const cri: string[] = [];
  const docker: string[] = [];
  for (let n = 0; n < LINES; n++) {
    if (n % 2 === 0) {
      ids.push(`cri ${n}`);
      cri.push(`2024-01-01T00:00:00.${String(n).padStart(9, '0')}Z stdout F cri ${n} ${PAD}\n`);
    } else {
      ids.push(`docker ${n}`);
      docker.push(`${JSON.stringify({ log: `docker ${n} ${PAD}\n`, stream: 'stdout', time: '2024-01-01T00:00:00.000000000Z' })}\n`);
    }
  }
  tmp.write('logs/app-cri.log', cri.join(''));
  tmp.write('logs/app-docker.log', docker.join(''));
  return ids;
}

function writeConfig(): string {
  return tmp.write(
    'fluent-bit.conf',
    `[SERVICE]
    Flush 0.2
    Grace 0
    Log_Level info

[INPUT]
    Name tail
    Path ${join(tmp.path, 'logs', '*.log')}
    multiline.parser docker, cri
    Read_From_Head On
    Exit_On_Eof On

[OUTPUT]
    Name stdout
    Match *
    Format json_lines
`,
  );
}

interface PipedRun {
  code: number | null;
  /** Times each line id was printed. */
  seen: Map<string, number>;
  stderr: string;
}

/** Runs the agent with stdout piped here, read with a long pause after the first output and short ones after. */
function runPiped(conf: string): Promise<PipedRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', conf], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen = new Map<string, number>();
  let stderr = '';
  let rest = '';
  let first = true;
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    const lines = (rest + c.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const log = String((JSON.parse(line) as { log?: unknown }).log);
      const id = /^(cri|docker) \d+/.exec(log)?.[0] ?? log;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), first ? FIRST_PAUSE_MS : PAUSE_MS);
    first = false;
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      if (rest !== '') seen.set(`partial line: ${rest.slice(0, 80)}`, 1);
      resolve({ code, seen, stderr });
    });
  });
}

describe('tail Exit_On_Eof with stdout piped to a slow reader', () => {
  it(`prints every line of both files exactly once and exits 0 (${RUNS} runs of ${LINES} lines)`, async () => {
    const ids = writeLogs();
    const conf = writeConfig();
    for (let run = 1; run <= RUNS; run++) {
      const out = await runPiped(conf);
      const missing = ids.filter((id) => !out.seen.has(id));
      const repeated = [...out.seen].filter(([, n]) => n > 1).map(([id]) => id);
      const unexpected = [...out.seen.keys()].filter((id) => !/^(cri|docker) \d+$/.test(id));
      const where = `run ${run}: ${missing.length} missing (${missing.slice(0, 3).join(', ')}), ${repeated.length} repeated\n${out.stderr}`;
      expect({ code: out.code, missing: missing.length, repeated: repeated.length, unexpected }, where).toEqual({ code: 0, missing: 0, repeated: 0, unexpected: [] });
      expect(out.seen.size, where).toBe(LINES);
    }
  }, 30_000 + RUNS * 15_000);
});
