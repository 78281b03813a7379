/**
 * The Dockerfile cannot be built here (no Docker daemon): these checks read it as text, stage by
 * stage, for what a build would get wrong silently: the base image, dev dependencies in the
 * runtime, the user, the entry point, labels, test keys, Fluent Bit's layout, and files the build
 * context leaves out.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentMemorySettings } from '../support/node-settings.js';
import { IMAGE_NODE_SETTINGS } from '../../src/bench/node-settings.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

interface Stage {
  readonly image: string;
  /** `--platform=` of its FROM (`$BUILDPLATFORM`: runs on the build machine under buildx). */
  readonly platform: string | undefined;
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
      const [, platform, image, name] = /^(?:--platform=(\S+) )?(\S+)(?: AS (\S+))?$/i.exec(instruction.args)!;
      stages.push({ image: image!.replace(/^\$\{(\w+)\}$/, (_m, v: string) => args.get(v) ?? _m), platform, name, instructions: [] });
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
  it("gives the agent its Node settings in ENV, the ones the bench runs it with, so Node starts once", () => {
    const env: Record<string, string> = {};
    for (const i of final.instructions.filter((x) => x.op === 'ENV')) {
      for (const pair of i.args.split(' ')) {
        const at = pair.indexOf('=');
        env[pair.slice(0, at)] = pair.slice(at + 1);
      }
    }
    expect({ NODE_OPTIONS: env['NODE_OPTIONS'], MALLOC_ARENA_MAX: env['MALLOC_ARENA_MAX'] }).toEqual(IMAGE_NODE_SETTINGS);
    // bin/logferry.js restarts Node only when a setting is missing: in the image it never does.
    expect(agentMemorySettings(['run', '-c', 'x.conf'], [], env)).toBeUndefined();
    // And they are the settings bin/logferry.js applies when it restarts Node without them.
    const restart = agentMemorySettings(['run', '-c', 'x.conf'], [], {});
    expect(restart?.execArgv.join(' ')).toBe(IMAGE_NODE_SETTINGS.NODE_OPTIONS);
    expect(restart?.env['MALLOC_ARENA_MAX']).toBe(IMAGE_NODE_SETTINGS.MALLOC_ARENA_MAX);
  });

  it('builds on a Node.js LTS at or above 22 with npm ci and npm run build, every stage on the same base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const build = stages.find((s) => runs(s).some((r) => r.includes('npm run build')))!;
    const [, major] = /^node:(\d+)-bookworm-slim$/.exec(build.image) ?? [];
    // Even majors are the LTS lines; Node 20 reached its end of life in April 2026.
    expect(Number(major) % 2, build.image).toBe(0);
    expect(Number(major)).toBeGreaterThanOrEqual(22);
    expect(runs(build).some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    // better-sqlite3 is compiled for one Node.js ABI and glibc: the runtime must be the same image.
    expect(new Set(stages.map((s) => s.image))).toEqual(new Set([build.image]));
  });

  it('is multi-arch ready: only the JavaScript build runs on the build platform, native modules on the target', () => {
    const build = stages.find((s) => runs(s).some((r) => r.includes('npm run build')))!;
    expect(build.platform).toBe('$BUILDPLATFORM');
    for (const s of stages.filter((st) => st !== build)) expect(s.platform, s.name).toBeUndefined();
    // Nothing names an architecture: the same file builds linux/amd64 and linux/arm64.
    const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(text).not.toMatch(/amd64|x86_64|arm64|aarch64|\bx64\b/);
  });

  it('has OCI labels with package.json’s version and licence', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; license: string };
    const labels = new Map<string, string>();
    for (const i of final.instructions.filter((x) => x.op === 'LABEL')) {
      for (const m of i.args.matchAll(/([\w.-]+)="([^"]*)"/g)) labels.set(m[1]!, m[2]!);
    }
    const arg = (name: string) => final.instructions.find((i) => i.op === 'ARG' && i.args.startsWith(`${name}=`))?.args.split('=')[1];
    expect(labels.get('org.opencontainers.image.title')).toBe('logferry');
    expect(labels.get('org.opencontainers.image.version')).toBe('${VERSION}');
    expect(arg('VERSION')).toBe(pkg.version);
    expect(labels.get('org.opencontainers.image.licenses')).toBe(pkg.license);
    expect(labels.get('org.opencontainers.image.revision')).toBe('${REVISION}');
    expect(labels.get('org.opencontainers.image.description')).toMatch(/Fluent Bit/);
  });

  it('puts no test certificate or key in the image', () => {
    const sources = final.instructions.filter((i) => i.op === 'COPY' && !i.args.includes('--from=')).flatMap((i) => i.args.split(' ').filter((a) => !a.startsWith('--')).slice(0, -1));
    for (const src of sources) {
      expect(src).not.toMatch(/fixtures\/tls|\.(key|pem|p12)$/);
      const files = (p: string): string[] => (statSync(p).isDirectory() ? readdirSync(p).flatMap((f) => files(join(p, f))) : [p]);
      for (const f of files(join(REPO_ROOT, src))) expect(readFileSync(f, 'utf8'), f).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    }
  });

  it('has Fluent Bit’s layout: /fluent-bit/bin/fluent-bit (under tini as PID 1) and the stock files under /fluent-bit/etc', () => {
    const json = (op: string) => JSON.parse(final.instructions.filter((i) => i.op === op).at(-1)!.args) as string[];
    expect(json('ENTRYPOINT')).toEqual(['/fluent-bit/bin/fluent-bit']);
    // Fluent Bit's CMD names its config after its own path; logferry's passes only the flags.
    expect(json('CMD')).toEqual(['-c', '/fluent-bit/etc/fluent-bit.conf']);
    const copyTo = (dest: string) => final.instructions.find((i) => i.op === 'COPY' && i.args.endsWith(` ${dest}`))?.args.split(' ').filter((a) => !a.startsWith('--'))[0];
    const shim = copyTo('/fluent-bit/bin/fluent-bit');
    expect(shim).toBeDefined();
    expect(final.instructions.find((i) => i.op === 'COPY' && i.args.endsWith(' /fluent-bit/bin/fluent-bit'))!.args).toMatch(/--chmod=0?755\b/);
    accessSync(join(REPO_ROOT, shim!), constants.X_OK);
    const text = readFileSync(join(REPO_ROOT, shim!), 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    // It starts the bin the runtime stage copies to /app/bin, with every argument, under tini when PID 1.
    expect(final.instructions.find((i) => i.op === 'WORKDIR')?.args).toBe('/app');
    expect(final.instructions.some((i) => i.op === 'COPY' && i.args === 'bin ./bin')).toBe(true);
    expect(text).toMatch(/^exec node \/app\/bin\/logferry\.js "\$@"$/m);
    expect(text).toMatch(/^\s*exec \/usr\/bin\/tini -- node \/app\/bin\/logferry\.js "\$@"$/m);
    expect(runs(final).some((r) => /apt-get install .*\btini\b/.test(r))).toBe(true);
    expect(spawnSync('sh', ['-n', join(REPO_ROOT, shim!)]).status).toBe(0);

    // What Fluent Bit 4.2.8's dockerfiles/Dockerfile copies to /fluent-bit/etc/, unchanged.
    const etc = copyTo('/fluent-bit/etc');
    expect(etc).toBeDefined();
    expect(readdirSync(join(REPO_ROOT, etc!)).sort()).toEqual(
      ['fluent-bit.conf', 'parsers.conf', 'parsers_ambassador.conf', 'parsers_cinder.conf', 'parsers_extra.conf', 'parsers_java.conf', 'parsers_openstack.conf', 'plugins.conf'],
    );
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

  it('the stock files load as Fluent Bit loads them: its fluent-bit.conf, with each parsers file given by -R (dry run)', async () => {
    const etc = join(REPO_ROOT, 'deploy', 'image', 'etc');
    const parsers = readdirSync(etc).filter((f) => /^parsers_.*\.conf$/.test(f));
    expect(parsers.length).toBeGreaterThanOrEqual(5);
    const run = await runCli([`--workdir=${etc}`, '-c', join(etc, 'fluent-bit.conf'), ...parsers.flatMap((f) => ['-R', f]), '-D']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/configuration test is successful/);
    expect(run.stdout + run.stderr).not.toMatch(/\berror\b/);
  });

  it('runs as an unprivileged user', () => {
    const users = final.instructions.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
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
        .flatMap((i) => i.args.split(' ').filter((a) => !a.startsWith('--')).slice(0, -1)),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(existsSync(join(REPO_ROOT, src)), src).toBe(true);
      expect(allowed.some((a) => src === a || src.startsWith(`${a}/`)), `${src} is let in by .dockerignore`).toBe(true);
    }
  });
});
