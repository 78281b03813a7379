/**
 * The npm package as a user meets it: `npm pack` (which runs the build through `prepack`), the
 * tarball installed into a fresh project with `--omit=optional` and no compiler on PATH (only node,
 * npm and npx: better-sqlite3 must not be needed), then `npx logferry validate` in each format, an
 * ESM import and a CommonJS require of the package, and `run` with a tail DB explaining how to get
 * the optional SQLite module.
 *
 * It builds and installs (about a minute), so it runs only with LOGFERRY_PACK_TEST=1; .ci/run sets
 * it. Dependencies come from the npm cache (`--prefer-offline`): the machine that runs it has
 * installed the repository's dependencies before.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const enabled = process.env['LOGFERRY_PACK_TEST'] === '1';

let work: string;
let project: string;
let env: NodeJS.ProcessEnv;

const GOOD = '[INPUT]\n    Name dummy\n    Tag  app\n\n[OUTPUT]\n    Name  stdout\n    Match *\n';
const TYPO = '[INPUT]\n    Name dummy\n    Tag  app\n    Rat  5\n\n[OUTPUT]\n    Name  stdout\n    Match *\n';

function exec(command: string, args: string[], cwd: string, withEnv = env): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: withEnv, encoding: 'utf8', timeout: 180_000 });
}

function ok(r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * A folder holding only node, npm, npx and sh (npx starts the package's bin through it): no
 * python3, make or C++ compiler for native modules.
 */
function toolsWithoutCompilers(dir: string): string {
  const node = realpathSync(process.execPath);
  // npm's own scripts, wherever the npm on PATH lives: next to this node (an official install), or
  // elsewhere (a Node.js from the node-linux-* package, which ships no npm, as .ci/node.sh uses).
  const besideNode = join(dirname(node), '..', 'lib', 'node_modules', 'npm', 'bin');
  const npmBin = existsSync(join(besideNode, 'npm-cli.js')) ? besideNode : dirname(realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim()));
  mkdirSync(dir);
  symlinkSync(node, join(dir, 'node'));
  symlinkSync(join(npmBin, 'npm-cli.js'), join(dir, 'npm'));
  symlinkSync(join(npmBin, 'npx-cli.js'), join(dir, 'npx'));
  symlinkSync('/bin/sh', join(dir, 'sh'));
  return dir;
}

describe.skipIf(!enabled)('the npm package, packed and installed', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'logferry-pack-'));
    env = { ...process.env, PATH: toolsWithoutCompilers(join(work, 'tools')), npm_config_update_notifier: 'false' };
    // npm pack runs prepack (the build, with the development tools) in the repository; from then
    // on only node, npm and npx are on PATH.
    ok(exec('npm', ['pack', '--pack-destination', work], REPO_ROOT, process.env));
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack wrote no tarball');
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    ok(exec('npm', ['install', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], project));
    writeFileSync(join(project, 'good.conf'), GOOD);
    writeFileSync(join(project, 'typo.conf'), TYPO);
  }, 300_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('ships a license, no source maps (src/ is not shipped), no start-up snapshot, and installs without better-sqlite3', () => {
    const pkg = join(project, 'node_modules', 'logferry');
    expect(readFileSync(join(pkg, 'LICENSE'), 'utf8')).toContain('Apache License');
    const files = readdirSync(join(pkg, 'dist'), { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.includes('snapshot'))).toEqual([]);
    expect(existsSync(join(project, 'node_modules', 'better-sqlite3'))).toBe(false);
  });

  it('npx logferry validate answers in text and json, and exits 1 on an error', () => {
    expect(ok(exec('npx', ['--no', 'logferry', 'validate', 'good.conf'], project))).toContain('no problems');
    const typo = exec('npx', ['--no', 'logferry', 'validate', 'typo.conf'], project);
    expect(typo.status).toBe(1);
    expect(typo.stdout + typo.stderr).toMatch(/typo\.conf:4:5: error\[unknown-key\].*'Rat'/);
    const json = exec('npx', ['--no', 'logferry', 'validate', '--format', 'json', 'typo.conf'], project);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as { diagnostics: { code: string; severity: string }[] };
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'unknown-key', severity: 'error' }));
  });

  it('npx logferry validate writes SARIF 2.1.0', () => {
    const r = exec('npx', ['--no', 'logferry', 'validate', '--format', 'sarif', 'typo.conf'], project);
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.map((res) => res.ruleId)).toContain('unknown-key');
  });

  it('npx logferry validate --format github writes workflow commands', () => {
    const r = exec('npx', ['--no', 'logferry', 'validate', '--format', 'github', 'typo.conf'], project);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error file=typo\.conf,line=4,col=5,.*title=logferry unknown-key::/m);
  });

  it('imports as ESM and requires as CommonJS (require(esm), Node >= 20.19)', () => {
    const esm = "import { validateConfig } from 'logferry'; console.log(JSON.stringify(validateConfig({ path: 'typo.conf' }).map((d) => d.code)));";
    expect(JSON.parse(ok(exec('node', ['--input-type=module', '-e', esm], project)))).toContain('unknown-key');
    const cjs = "const { validateConfig, ConfigError } = require('logferry'); console.log(JSON.stringify([typeof ConfigError, validateConfig({ path: 'good.conf' }).length]));";
    expect(JSON.parse(ok(exec('node', ['-e', cjs], project)))).toEqual(['function', 0]);
  });

  it('run starts a lua filter (wasmoon, outside the bundle, finds its glue.wasm)', () => {
    writeFileSync(join(project, 'one.log'), '{"m":1}\n');
    writeFileSync(
      join(project, 'lua.conf'),
      `[INPUT]\n    Name           tail\n    Path           ${join(project, 'one.log')}\n    Read_from_Head On\n    Exit_On_Eof    On\n\n` +
        '[FILTER]\n    Name  lua\n    Match *\n    call  cb\n    code  function cb(t, ts, r) r.lua = _VERSION return 2, ts, r end\n\n[OUTPUT]\n    Name   stdout\n    Match  *\n    Format json_lines\n',
    );
    expect(ok(exec('npx', ['--no', 'logferry', 'run', '-c', 'lua.conf'], project))).toContain('"lua":"Lua 5.4"');
  });

  it('exports the pino and winston transports as entry points, loadable as ESM and CommonJS', () => {
    const esm =
      "const pino = await import('logferry/pino'); const { LogferryTransport } = await import('logferry/winston');" +
      ' console.log(JSON.stringify([typeof pino.default, typeof LogferryTransport]));';
    expect(JSON.parse(ok(exec('node', ['--input-type=module', '-e', esm], project)))).toEqual(['function', 'function']);
    const cjs = "const { LogferryTransport } = require('logferry/winston'); console.log(JSON.stringify(typeof LogferryTransport));";
    expect(JSON.parse(ok(exec('node', ['-e', cjs], project)))).toBe('function');
  });

  it('run with a tail DB and without better-sqlite3 names the key and how to install it; validate does not ask for it', () => {
    writeFileSync(join(project, 'app.log'), '');
    writeFileSync(join(project, 'db.conf'), `[INPUT]\n    Name tail\n    Path ${join(project, 'app.log')}\n    DB   ${join(project, 'pos.db')}\n\n[OUTPUT]\n    Name  stdout\n    Match *\n`);
    // The machine that validates (CI) is rarely the one that runs the agent: no warning there.
    expect(ok(exec('npx', ['--no', 'logferry', 'validate', '--deny-warnings', 'db.conf'], project))).toContain('no problems');
    const r = exec('npx', ['--no', 'logferry', 'run', '-c', 'db.conf'], project);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`tail DB '${join(project, 'pos.db')}' needs the optional dependency better-sqlite3, which is not installed`);
    expect(r.stderr).toContain('npm install better-sqlite3');
  });
});
