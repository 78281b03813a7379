import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../../../src/plugins/inputs/tail/discovery.js';

// realpath: the paths scan gives are compared as strings, and tmpdir() may be a symbolic link.
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tail-discovery-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const found = async (...patterns: string[]) => (await scan({ patterns, exclude: [], ignoreOlderMs: 0 })).files.map((f) => f.path);

describe('tail discovery: a Path without wildcards', () => {
  it('names that file even when its name holds characters other globbers read as patterns', async () => {
    // glob(3) has three wildcards (* ? [); Fluent Bit follows `app(1).log` or `@(x).log` as named.
    const names = ['app(1).log', '@(x).log', '!(a).log', '+(b).log', 'x{a,b}.log', 'x,y.log'];
    for (const name of names) writeFileSync(join(dir, name), 'line\n');
    for (const name of names) expect(await found(join(dir, name))).toEqual([join(dir, name)]);
  });

  it('is made absolute and normalized; a missing path, a directory and a dangling link give nothing; a link to a file gives the link', async () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.log'), 'line\n');
    symlinkSync(join(dir, 'sub', 'a.log'), join(dir, 'link.log'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.log'));
    const a = join(dir, 'sub', 'a.log');
    expect(await found(relative(process.cwd(), a))).toEqual([a]);
    expect(await found(`${dir}/sub/../sub//a.log`)).toEqual([a]);
    expect(await found(join(dir, 'missing.log'), join(dir, 'sub'), join(dir, 'dangling.log'))).toEqual([]);
    expect(await found(join(dir, 'link.log'))).toEqual([join(dir, 'link.log')]);
    // The same file by two paths (one a glob) is kept once, under the first path.
    expect(await found(a, join(dir, 'sub', '*.log'))).toEqual([a]);
  });

  it('finds the same files as the equivalent one-character glob (property)', async () => {
    const names = fc.stringMatching(/^[a-z0-9(){}@!+,._-]{1,12}$/).filter((n) => n !== '.' && n !== '..' && !n.startsWith('.'));
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        const sub = mkdtempSync(join(dir, 'p-'));
        writeFileSync(join(sub, name), 'x\n');
        // `?` for the name's last character: a real glob, walked by fast-glob.
        const glob = join(sub, `${name.slice(0, -1)}?`).replace(/[(){}@!+]/g, '?');
        expect(await found(join(sub, name))).toEqual(await found(glob));
      }),
      { numRuns: 25 },
    );
  });
});
