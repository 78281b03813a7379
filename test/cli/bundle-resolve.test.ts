/**
 * bin/bundle-resolve.js: the bundle's chunks import each other by relative path, resolved to the
 * file next to the importer without Node's file lookups; every other import is left to Node.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

interface Resolved {
  readonly url?: string;
  readonly format?: string;
  readonly shortCircuit?: boolean;
  readonly next?: string;
}
type Next = (specifier: string, context: { parentURL?: string }) => Resolved;
type Hook = (specifier: string, context: { parentURL?: string }, next: Next) => Resolved;

const { bundleResolve } = (await import(pathToFileURL(join(REPO_ROOT, 'bin', 'bundle-resolve.js')).href)) as { bundleResolve: (dirHref: string) => Hook };

/** Node's own resolution, as the hook's `next`: marks what it was given. */
const NODE_RESOLVES: Next = (specifier) => ({ next: specifier });

// Another Node (CI's 24, which has module.registerHooks) for the process test: LOGFERRY_TEST_NODE.
const NODE = process.env['LOGFERRY_TEST_NODE'] ?? process.execPath;

const DIR = 'file:///opt/app/node_modules/logferry/dist/bundle/';
const chunkName = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}\.js$/);

describe('bin/bundle-resolve.js', () => {
  const tmp = useTempDir('logferry-bundle-resolve-');

  it('a relative import from a chunk names the file next to it, an ES module', () => {
    fc.assert(
      fc.property(chunkName, chunkName, (parent, child) => {
        expect(bundleResolve(DIR)(`./${child}`, { parentURL: DIR + parent }, NODE_RESOLVES)).toEqual({ url: DIR + child, format: 'module', shortCircuit: true });
      }),
    );
  });

  it('leaves every other import to Node', () => {
    const hook = bundleResolve(DIR);
    const cases: [string, string | undefined][] = [
      ['fast-glob', `${DIR}main.js`],
      ['node:fs', `${DIR}main.js`],
      ['@aws-sdk/client-firehose', `${DIR}chunk-A.js`],
      ['../cli/main.js', `${DIR}main.js`],
      ['./sub/chunk.js', `${DIR}main.js`],
      ['./chunk.js?x=1', `${DIR}main.js`],
      [`${DIR}chunk.js`, `${DIR}main.js`],
      ['./chunk.js', 'file:///opt/app/node_modules/other/index.js'],
      ['./chunk.js', `${DIR}sub/inner.js`],
      ['./chunk.js', undefined],
    ];
    for (const [specifier, parentURL] of cases) expect(hook(specifier, { parentURL }, NODE_RESOLVES), `${specifier} from ${parentURL}`).toEqual({ next: specifier });
  });

  it('the command loads the bundle’s chunks through it where Node has module.registerHooks', () => {
    const dir = tmp.path;
    mkdirSync(join(dir, 'bin'));
    for (const file of ['logferry.js', 'node-settings.js', 'bundle-resolve.js']) copyFileSync(join(REPO_ROOT, 'bin', file), join(dir, 'bin', file));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    tmp.write('dist/bundle/chunk-lazy.js', "import fg from 'fast-glob'; export const lazy = typeof fg.sync;");
    // A chunk that is a link: Node's resolution would name it by the file it points to.
    tmp.write('elsewhere/linked.js', "import { sep } from 'node:path'; export const where = import.meta.url + sep.length;");
    symlinkSync(join(dir, 'elsewhere', 'linked.js'), join(dir, 'dist', 'bundle', 'chunk-linked.js'));
    tmp.write(
      'dist/bundle/main.js',
      [
        "import module from 'node:module';",
        "import { where } from './chunk-linked.js';",
        'export async function main() {',
        "  const { lazy } = await import('./chunk-lazy.js');",
        '  process.stdout.write(JSON.stringify({ where, lazy, hooks: typeof module.registerHooks }));',
        '  return 0;',
        '}',
      ].join('\n'),
    );
    const run = spawnSync(NODE, [join(dir, 'bin', 'logferry.js'), 'version'], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout) as { where: string; lazy: string; hooks: string };
    expect(got.lazy).toBe('function');
    const viaHook = pathToFileURL(join(dir, 'dist', 'bundle', 'chunk-linked.js')).href + '1';
    const viaNode = pathToFileURL(join(dir, 'elsewhere', 'linked.js')).href + '1';
    expect(got.where).toBe(got.hooks === 'function' ? viaHook : viaNode);
  });
});
