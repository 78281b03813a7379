/**
 * package.json `engines` states the true minimum: every production dependency the lock file pins
 * runs on the oldest Node.js it allows, and the Node.js the image and CI use is allowed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

type Version = readonly [number, number, number];

const read = <T>(file: string) => JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as T;
const pkg = read<{ engines: { node: string } }>('package.json');
const lock = read<{ packages: Record<string, { dev?: boolean; engines?: { node?: string } }> }>('package-lock.json');

const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.replace(/\.x$/, '').split('.').map(Number);
  return [a, b, c];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The ranges logferry and its dependencies use: `>=X.Y.Z`, `^X.Y.Z`, `X.x`, joined by `||`. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((part) => {
    const r = part.trim();
    let m: RegExpExecArray | null;
    if ((m = /^>= ?(\d+(?:\.\d+){0,2})(?:\.x)?$/.exec(r))) return compare(version, parse(m[1]!)) >= 0;
    if ((m = /^\^(\d+\.\d+\.\d+)$/.exec(r))) return version[0] === parse(m[1]!)[0] && compare(version, parse(m[1]!)) >= 0;
    if ((m = /^(\d+)\.x$/.exec(r))) return version[0] === Number(m[1]);
    if (r === '*') return true;
    throw new Error(`range '${r}' is not one this test reads`);
  });
}

/** The lowest version of each major `engines` allows. */
const minimums = pkg.engines.node.split('||').map((r) => parse(r.trim().replace(/^(\^|>=)/, '')));

describe('engines', () => {
  it('every production dependency runs on the oldest Node.js of each line engines allows', () => {
    expect(minimums.map((v) => v.join('.'))).toEqual(['20.19.0', '22.12.0']);
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = entry.engines?.node;
      if (path === '' || entry.dev || range === undefined) continue;
      for (const v of minimums) if (!satisfies(v, range)) refused.push(`${path.replace(/^.*node_modules\//, '')} (${range}) refuses ${v.join('.')}`);
    }
    expect(refused).toEqual([]);
  });

  it('allows the Node.js LTS the image and CI run (24), and not the lines below the minimum', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile)?.[1];
    const ci = /LOGFERRY_CI_NODE:-(\d+)/.exec(readFileSync(join(REPO_ROOT, '.ci', 'node.sh'), 'utf8'))?.[1];
    expect(image).toBe(ci);
    expect(satisfies([Number(image), 0, 0], pkg.engines.node)).toBe(true);
    // require(esm) without a flag: 20.19 and 22.12.
    expect(satisfies([20, 18, 0], pkg.engines.node)).toBe(false);
    expect(satisfies([22, 11, 0], pkg.engines.node)).toBe(false);
    expect(satisfies([21, 7, 0], pkg.engines.node)).toBe(false);
  });
});
