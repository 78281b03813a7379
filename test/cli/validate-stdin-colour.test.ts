/** `logferry validate -` (standard input) and colour on a terminal. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { colourWanted } from '../../src/cli/colour.js';
import { GOLDEN_ENV, REPO_ROOT, runCli } from '../support/cli.js';

const TYPO = 'fixtures/configs/invalid/unknown-key-typo.conf';
const FARGATE = 'fixtures/fargate/invalid/fargate-env-not-allowed.yaml';

function spawnValidate(args: string[], input: string, env: Record<string, string> = {}) {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'validate', ...args], {
    cwd: REPO_ROOT,
    input,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
}

describe('validate - (standard input)', () => {
  it('checks a manifest piped in, as kubectl get cm aws-logging -o yaml | logferry validate - (real process)', async () => {
    const fromFile = await runCli(['validate', FARGATE]);
    const piped = spawnValidate(['-'], readFileSync(join(REPO_ROOT, FARGATE), 'utf8'));
    expect(piped.status).toBe(1);
    expect(piped.stdout).toContain('error[fargate-env-not-allowed]');
    // The same report as for the file, under the name <stdin>.
    expect(piped.stdout).toBe(fromFile.stdout.replaceAll(FARGATE, '<stdin>'));
    const fargate = await runCli(['validate', '--fargate', '-'], GOLDEN_ENV, REPO_ROOT, { readStdin: async () => readFileSync(join(REPO_ROOT, FARGATE), 'utf8') });
    expect(fargate.stdout).toBe(piped.stdout);
  });

  it('reads a classic or YAML configuration piped in', async () => {
    const classic = await runCli(['validate', '-'], GOLDEN_ENV, REPO_ROOT, { readStdin: async () => readFileSync(join(REPO_ROOT, TYPO), 'utf8') });
    expect(classic.code).toBe(1);
    expect(classic.stdout).toMatch(/^<stdin>:4:5: error\[unknown-key\]: unknown key 'Mem_Buf_Limt'/);
    const yaml = await runCli(['validate', '-'], GOLDEN_ENV, REPO_ROOT, {
      readStdin: async () => '# piped\npipeline:\n  inputs:\n    - name: dummy\n      tagg: x\n  outputs:\n    - name: stdout\n      match: "*"\n',
    });
    expect(yaml.stdout).toMatch(/^<stdin>:5:7: error\[unknown-key\]: unknown key 'tagg'/);
  });

  it('refuses - twice, and --fargate with a configuration that is not a manifest', async () => {
    expect((await runCli(['validate', '-', '-'])).code).toBe(2);
    const r = await runCli(['validate', '--fargate', '-'], GOLDEN_ENV, REPO_ROOT, { readStdin: async () => '[OUTPUT]\n    Name null\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input holds no Kubernetes ConfigMap/);
  });
});

describe('colour', () => {
  const tty = { stdout: true, stderr: false };
  const io = (env: Record<string, string>, isTTY = tty) => ({ stdout: () => {}, stderr: () => {}, env, cwd: REPO_ROOT, isTTY });

  it('colours a terminal, unless NO_COLOR or TERM=dumb; FORCE_COLOR overrides both ways', () => {
    expect(colourWanted(io({}), 'stdout')).toBe(true);
    expect(colourWanted(io({}), 'stderr')).toBe(false);
    expect(colourWanted(io({ NO_COLOR: '1' }), 'stdout')).toBe(false);
    expect(colourWanted(io({ NO_COLOR: '' }), 'stdout')).toBe(true);
    expect(colourWanted(io({ TERM: 'dumb' }), 'stdout')).toBe(false);
    expect(colourWanted(io({ FORCE_COLOR: '1' }, { stdout: false, stderr: false }), 'stdout')).toBe(true);
    expect(colourWanted(io({ FORCE_COLOR: '0' }), 'stdout')).toBe(false);
    expect(colourWanted(io({ FORCE_COLOR: '1', NO_COLOR: '1' }), 'stdout')).toBe(true);
  });

  it('changes nothing but the escapes: every invalid fixture reads the same without them', async () => {
    const dir = join(REPO_ROOT, 'fixtures/configs/invalid');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.conf'))) {
      const args = ['validate', join('fixtures/configs/invalid', file)];
      const plain = await runCli(args);
      const coloured = await runCli(args, GOLDEN_ENV, REPO_ROOT, { isTTY: tty });
      if (plain.stdout.includes('error[')) expect(coloured.stdout, file).toContain('\u001b[1;31merror[');
      expect(stripVTControlCharacters(coloured.stdout), file).toBe(plain.stdout);
    }
  });

  // util-linux script(1) gives the process a pseudo-terminal: the real TTY detection.
  const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasScript)('colours a real terminal, and not with NO_COLOR (real process under script(1))', () => {
    const onTerminal = (env: Record<string, string>) => {
      const { NO_COLOR: _n, FORCE_COLOR: _f, ...inherited } = process.env;
      const command = `${process.execPath} --import tsx src/cli/entry.ts validate ${TYPO}`;
      return spawnSync('script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...inherited, ...env } }).stdout;
    };
    expect(onTerminal({})).toContain('\u001b[1;31merror[unknown-key]');
    const plain = onTerminal({ NO_COLOR: '1' });
    expect(plain).toContain('error[unknown-key]');
    expect(plain).not.toContain('\u001b[');
  });

  it('colours a pipe with FORCE_COLOR, never JSON', async () => {
    expect((await runCli(['validate', TYPO], { FORCE_COLOR: '1' })).stdout).toContain('\u001b[1;31merror[');
    const json = await runCli(['validate', '--format', 'json', TYPO], { FORCE_COLOR: '1' }, REPO_ROOT, { isTTY: tty });
    expect(json.stdout).not.toContain('\u001b[');
  });
});
