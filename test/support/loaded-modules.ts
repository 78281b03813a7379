/**
 * Which of Node's modules a script loads, run in a fresh Node from the repository's root through
 * tsx. Node 22+ builds the ESM facade of node:http with lazy getters that load undici (and with it
 * http2 and tls); Node 20 has none, so tests of that hold there either way: LOGFERRY_TEST_NODE
 * runs them on another Node (CI's 24).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cli.js';

const NODE = process.env['LOGFERRY_TEST_NODE'] ?? process.execPath;

/** scripts/bundle.mjs (plain JavaScript, no declarations): the build's own bundling. */
const { bundle: bundleAsTheBuild } = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'bundle.mjs')).href)) as {
  bundle(options: { entry: string; outdir: string; logLevel?: 'error' | 'warning' }): Promise<void>;
};

/** The entries of `process.moduleLoadList` matching `pattern` after `script` (an ES module body) ran. */
export function modulesLoadedBy(script: string, pattern: RegExp): string[] {
  return reportAfter(['--import', 'tsx'], script, loadedMatching(pattern)).report;
}

/**
 * The files of CommonJS modules (packages such as the AWS SDK's, whether imported or required)
 * matching `pattern` after `script` ran, with `env` added to the environment.
 */
export function packageFilesLoadedBy(script: string, pattern: RegExp, env: Readonly<Record<string, string>> = {}): string[] {
  const loaded = "Object.keys((await import('node:module')).createRequire(import.meta.url).cache)";
  return reportAfter(['--import', 'tsx'], script, `${loaded}.filter((m) => ${pattern.toString()}.test(m))`, env).report;
}

/**
 * The CLI from source bundled by the package's own bundling (scripts/bundle.mjs: esbuild, split
 * chunks, the same packages left out, bundled CommonJS packages evaluated at first use), in a
 * temporary folder that has the repository's package.json, node_modules and version tables, so
 * that it runs in a plain Node: tsx's module hooks run in a worker thread, which loads
 * node:worker_threads in every process started through tsx.
 */
export interface BundledCli {
  /** The URL of the bundle's entry, which exports `main`. */
  readonly main: string;
  /** The temporary folder (scripts run from it). */
  readonly dir: string;
  /** Removes the folder. */
  dispose(): void;
}

export async function bundleCli(): Promise<BundledCli> {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-bundle-'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  // Laid out as the build's dist/: the bundle finds ../../package.json (src/cli/version.ts) and
  // ../config/versions/ (src/config/versions/data.ts).
  const outdir = join(dir, 'dist', 'bundle');
  mkdirSync(outdir, { recursive: true });
  symlinkSync(join(REPO_ROOT, 'src', 'config'), join(dir, 'dist', 'config'));
  await bundleAsTheBuild({ entry: join(REPO_ROOT, 'src/cli/main.ts'), outdir, logLevel: 'error' });
  return { main: pathToFileURL(join(outdir, 'main.mjs')).href, dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A command of the bundled CLI run to its end in a plain Node: its exit code, what it printed, the
 * modules loaded matching a pattern (Node's builtins as `process.moduleLoadList` names them, and
 * the CommonJS files loaded, such as the packages bundled apart in `dist/bundle/vendor/`).
 */
export interface CliModules {
  readonly code: number;
  readonly printed: string;
  readonly modules: string[];
  /** What `during` reported, if anything. */
  readonly extra?: unknown;
}

let scripts = 0;

/**
 * Runs `main(args)` of `cli` in a fresh Node without tsx. `during`, an ES module body, runs while
 * the command runs (`done` is its promise; `report(value)` adds `value` to what is returned). The
 * script is a file, not `--input-type=module -e`: worker threads inherit Node's flags, and the lua
 * check's CommonJS worker cannot start under that one.
 */
export function cliModulesLoaded(cli: BundledCli, args: readonly string[], pattern: RegExp, during = ''): CliModules {
  const script =
    `const { main } = await import(${JSON.stringify(cli.main)}); let extra; const report = (v) => { extra = v; };` +
    `const done = main(${JSON.stringify(args)}); ${during}; const code = await done;`;
  const file = join(cli.dir, `run-${++scripts}.mjs`);
  const commonJs = "Object.keys(process.getBuiltinModule('node:module').createRequire(import.meta.url).cache)";
  const modules = `[...process.moduleLoadList, ...${commonJs}].filter((m) => ${pattern.toString()}.test(m))`;
  const { printed, report } = reportAfter<Omit<CliModules, 'printed'>>([], script, `{ code, extra, modules: ${modules} }`, {}, file);
  return { ...report, printed };
}

function loadedMatching(pattern: RegExp): string {
  return `process.moduleLoadList.filter((m) => ${pattern.toString()}.test(m))`;
}

/**
 * What `script` printed, and the JSON of `expression` evaluated after it, in a fresh Node given
 * `nodeArgs`; the script is evaluated (`-e`), or written to `file` and run from there.
 */
function reportAfter<T = string[]>(nodeArgs: readonly string[], script: string, expression: string, env: Readonly<Record<string, string>> = {}, file?: string): { printed: string; report: T } {
  const body = `${script};console.log(JSON.stringify(${expression}));`;
  if (file !== undefined) writeFileSync(file, body);
  const source = file === undefined ? ['--input-type=module', '-e', body] : [file];
  const out = execFileSync(NODE, [...nodeArgs, ...source], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  const lines = out.trim().split('\n');
  const last = lines.pop() ?? 'null';
  return { printed: lines.join('\n'), report: JSON.parse(last) as T };
}
