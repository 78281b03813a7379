/**
 * The CLI's start-up snapshot (scripts/build-snapshot.mjs, src/cli/snapshot-entry.ts) and the
 * wrapper that uses it (bin/logferry): started from the snapshot, the commands it serves answer
 * exactly as the CLI does; the wrapper uses it only for those commands and only with the Node
 * binary that built it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT } from '../support/cli.js';

const ENV = { AWS_REGION: 'us-east-1', CLUSTER_NAME: 'snap', HOST_NAME: 'node-1', READ_FROM_HEAD: 'Off', HTTP_SERVER: 'On', HTTP_PORT: '2020' };

let dir: string;
let snapshot: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logferry-snapshot-'));
  snapshot = join(dir, 'dist', 'snapshot');
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-snapshot.mjs'), snapshot], { cwd: REPO_ROOT, stdio: 'pipe' });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fromSnapshot(args: string[]): Outcome {
  const r = spawnSync(process.execPath, ['--snapshot-blob', join(snapshot, 'logferry.blob'), ...args], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'], ...ENV }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function inProcess(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env['PATH'], ...ENV }, cwd: REPO_ROOT });
  return { code, stdout, stderr };
}

describe('start-up snapshot', () => {
  it.each([
    ['validate', 'fixtures/container-insights/fluent-bit.conf'],
    ['validate', '--format', 'json', 'fixtures/container-insights/fluent-bit.conf'],
    ['validate', '--format', 'sarif', 'fixtures/configs/invalid/bad-indentation-tabs-spaces.conf'],
    ['validate', 'fixtures/configs/invalid/bad-indentation-extra-level.conf', 'fixtures/configs/invalid-yaml/conflicting-keys-cloudwatch-stream.yaml'],
    ['validate', 'fixtures/configs/valid-yaml/all-filters.yaml'],
    ['validate', 'no/such/file.conf'],
    ['convert', 'fixtures/container-insights/fluent-bit.conf', '--to', 'yaml'],
    ['explain', 'cloudwatch_logs'],
    ['schema'],
    ['version'],
    ['help'],
    ['frobnicate'],
  ])('%s %s answers as the CLI does', async (...args) => {
    const snap = fromSnapshot(args);
    const cli = await inProcess(args);
    expect(snap).toEqual(cli);
  });

  it('the wrapper starts the snapshot commands from it and everything else, or another Node, the usual way', () => {
    // A copy of the package layout: bin/logferry (the real wrapper), a bin/logferry.js that only
    // says it was started, and the snapshot built above.
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    mkdirSync(join(pkg, 'dist', 'snapshot'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'bin', 'logferry'), join(pkg, 'bin', 'logferry'));
    writeFileSync(join(pkg, 'bin', 'logferry.js'), "process.stdout.write('started the usual way: ' + process.argv.slice(2).join(' ') + '\\n');\n");
    copyFileSync(join(snapshot, 'logferry.blob'), join(pkg, 'dist', 'snapshot', 'logferry.blob'));
    // node.txt as a build in this copy would write it: the same Node, this checkout's real path.
    const [node, size, mtime, builtIn] = readFileSync(join(snapshot, 'node.txt'), 'utf8').trim().split(' ');
    expect(builtIn).toBe(realpathSync(REPO_ROOT));
    writeFileSync(join(pkg, 'dist', 'snapshot', 'node.txt'), `${node} ${size} ${mtime} ${realpathSync(pkg)}\n`);
    const wrapper = (...args: string[]) => spawnSync('sh', [join(pkg, 'bin', 'logferry'), ...args], { cwd: REPO_ROOT, env: { PATH: `${join(process.execPath, '..')}:${process.env['PATH']}`, ...ENV }, encoding: 'utf8' }).stdout;

    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    expect(wrapper('version')).toBe(`logferry ${version}\n`);
    expect(wrapper('validate', 'fixtures/container-insights/fluent-bit.conf')).toContain('ok: 0 errors');
    expect(wrapper('run', '-c', 'x.conf')).toBe('started the usual way: run -c x.conf\n');
    expect(wrapper('test', 'case.yaml')).toBe('started the usual way: test case.yaml\n');
    expect(wrapper()).toBe('started the usual way: \n');

    // A package moved after its build (paths inside the snapshot point elsewhere), or another Node
    // binary: the snapshot is not used.
    writeFileSync(join(pkg, 'dist', 'snapshot', 'node.txt'), `${node} ${size} ${mtime} /somewhere/else\n`);
    expect(wrapper('version')).toBe('started the usual way: version\n');
    writeFileSync(join(pkg, 'dist', 'snapshot', 'node.txt'), `/usr/bin/some-other-node 1 2 ${realpathSync(pkg)}\n`);
    expect(wrapper('version')).toBe('started the usual way: version\n');
    rmSync(join(pkg, 'dist', 'snapshot'), { recursive: true });
    expect(wrapper('validate', 'a.conf')).toBe('started the usual way: validate a.conf\n');
  });
});
