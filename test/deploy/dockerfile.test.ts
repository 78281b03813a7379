/**
 * The Dockerfile cannot be built here (no Docker daemon): these checks read it as text, stage by
 * stage, for what a build would get wrong silently: the base image, dev dependencies in the
 * runtime, the user, the entry point, and files the build context leaves out.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Instructions with their continuation lines joined, comments left out; stages split at FROM. */
function readDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim());
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line)!;
    const instruction = { op: op!.toUpperCase(), args: rest!.replace(/\s+/g, ' ') };
    if (instruction.op === 'FROM') {
      const [, image, name] = /^(\S+)(?: AS (\S+))?$/i.exec(instruction.args)!;
      stages.push({ image: image!.replace(/^\$\{(\w+)\}$/, (_m, v: string) => args.get(v) ?? _m), name, instructions: [] });
    } else if (stages.length === 0 && instruction.op === 'ARG') {
      const [k, v] = instruction.args.split('=');
      args.set(k!, v ?? '');
    } else stages.at(-1)!.instructions.push(instruction);
  }
  return { args, stages };
}

const { stages } = readDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const final = stages.at(-1)!;
const runs = (s: Stage) => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
const stageNamed = (name: string) => stages.find((s) => s.name === name);

describe('Dockerfile', () => {
  it('builds in node:20-bookworm-slim with npm ci and npm run build, every stage on the same base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const build = stages.find((s) => runs(s).some((r) => r.includes('npm run build')))!;
    expect(build.image).toBe('node:20-bookworm-slim');
    expect(runs(build).some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    // better-sqlite3 is compiled for one Node.js ABI and glibc: the runtime must be the same image.
    expect(new Set(stages.map((s) => s.image))).toEqual(new Set(['node:20-bookworm-slim']));
  });

  it('gives the runtime only production dependencies, compiled where a toolchain is', () => {
    const copies = final.instructions.filter((i) => i.op === 'COPY');
    const modules = copies.filter((c) => /node_modules/.test(c.args));
    expect(modules).toHaveLength(1);
    const from = /--from=(\S+)/.exec(modules[0]!.args)?.[1];
    const deps = stageNamed(from ?? '')!;
    expect(deps, `stage ${from}`).toBeDefined();
    expect(runs(deps).some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs(deps).some((r) => /npm (ci|install)(?!.*--omit=dev)/.test(r))).toBe(false);
    expect(runs(deps).some((r) => /apt-get install .*\bpython3\b.*\bmake\b.*\bg\+\+/.test(r))).toBe(true);
    // No install, no compiler and no TypeScript source in the runtime stage.
    expect(runs(final).some((r) => /\bnpm (ci|install|i)\b|\bg\+\+|\bmake\b/.test(r))).toBe(false);
    expect(copies.some((c) => /(^|\s)(\.\/)?(src|test)\/?(\s|$)/.test(c.args))).toBe(false);
    expect(copies.some((c) => /--from=/.test(c.args) && /\bdist\b/.test(c.args))).toBe(true);
  });

  it('no source file imports a devDependency (the runtime image has none)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const dev = Object.keys(pkg.devDependencies).filter((d) => !d.startsWith('@types/'));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? files(p) : /\.(ts|js|mjs)$/.test(f) ? [p] : [];
      });
    const offenders = [...files(join(REPO_ROOT, 'src')), join(REPO_ROOT, 'bin', 'logferry.js')].filter((f) => {
      const text = readFileSync(f, 'utf8');
      return dev.some((d) => new RegExp(`^\\s*import(?!\\s+type\\b)[^'"]*from\\s+['"]${d.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`, 'm').test(text) || text.includes(`import('${d}`));
    });
    expect(offenders).toEqual([]);
  });

  it('runs as an unprivileged user, with logferry as entry point and the mounted config as default command', () => {
    const users = final.instructions.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const json = (op: string) => JSON.parse(final.instructions.filter((i) => i.op === op).at(-1)!.args) as string[];
    expect(json('ENTRYPOINT')).toEqual(['node', '/app/bin/logferry.js']);
    expect(json('CMD')).toEqual(['run', '-c', '/fluent-bit/etc/fluent-bit.conf']);
    expect(final.instructions.find((i) => i.op === 'WORKDIR')?.args).toBe('/app');
  });

  it('copies from the context only files that exist and that .dockerignore lets in', () => {
    const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    // An allowlist: everything out, then the paths the build needs back in.
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = stages.flatMap((s) =>
      s.instructions
        .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
        .flatMap((i) => i.args.split(' ').slice(0, -1)),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(existsSync(join(REPO_ROOT, src)), src).toBe(true);
      expect(allowed.some((a) => src === a || src.startsWith(`${a}/`)), `${src} is let in by .dockerignore`).toBe(true);
    }
  });
});
