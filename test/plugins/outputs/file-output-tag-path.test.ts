import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileOutput } from '../../../src/plugins/outputs/file/file-output.js';
import file from '../../../src/plugins/outputs/file/index.js';
import type { PluginOptions } from '../../../src/options/define.js';
import { pluginArgs } from '../../support/plugin-args.js';
import { tagFileName } from '../../../src/plugins/outputs/file/tag-file-name.js';
import { REPO_ROOT } from '../../support/cli.js';
import { capture, planFrom } from '../../support/pipeline.js';

/** Every regular file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

function inside(rel: string): boolean {
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

/** A file output (Mkdir On, plain lines) run directly, outside a pipeline. */
function fileOutput(path: string): { options: { -readonly [K in keyof PluginOptions<typeof file>]: PluginOptions<typeof file>[K] }; output: FileOutput } {
  const plan = planFrom(`[INPUT]\n    Name lib\n    Tag in\n[OUTPUT]\n    Name file\n    Match *\n    Path ${path}\n    Mkdir On\n    Format plain\n`);
  const args = pluginArgs(file, plan.outputs[0], plan);
  const options = { ...args.options };
  return { options, output: new FileOutput(options, args.ctx) };
}

/** Lines whose content becomes the tag (rewrite_tag `$log ^(.+)$ $1`), each trying to leave Path. */
const TRAVERSALS = ['../../x', '/etc/x', 'a/../../b', '..\\..\\w', 'sp ace;$(id)', 'ünï'];

describe('file output names files after sanitised tags (Fluent Bit sanitize_tag_name)', () => {
  it('maps tags as Fluent Bit does: separators kept between components, . and .. to _, other bytes to _', () => {
    expect(tagFileName('kube.var.log.app-1_x')).toBe('kube.var.log.app-1_x');
    expect(tagFileName('//a//b/')).toBe('a/b');
    expect(tagFileName('a\\b')).toBe('a/b');
    expect(tagFileName('./../.../x')).toBe('_/_/.../x');
    expect(tagFileName('é:*')).toBe('____');
    expect(tagFileName('ab\0/../c')).toBe('ab');
    expect(tagFileName('/')).toBe('_');
    expect(tagFileName('')).toBe('_');
  });

  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'logferry-tagpath-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps files from tags rewritten from record content inside Path', async () => {
    const out = join(root, 'a', 'b', 'out');
    const plan = planFrom(
      `[SERVICE]\n    Flush 0.05\n[INPUT]\n    Name lib\n    Tag in\n[FILTER]\n    Name rewrite_tag\n    Match in\n    Rule $log ^(.+)$ $1 false\n` +
        `[OUTPUT]\n    Name file\n    Match *\n    Path ${out}\n    Mkdir On\n`,
    );
    const run = capture(plan);
    await run.pipeline.start();
    run.pipeline.push(TRAVERSALS.map((log) => ({ log })));
    await run.pipeline.stop();
    // Nothing was written anywhere but under Path.
    expect(filesUnder(root).filter((f) => !f.startsWith(`a${sep}b${sep}out${sep}`))).toEqual([]);
    expect(filesUnder(out)).toEqual(['_/_/w', '_/_/x', '__n__', 'a/_/_/b', 'etc/x', 'sp_ace___id_'].map((f) => f.split('/').join(sep)).sort());
    // The line keeps the tag as it is, as Fluent Bit prints event_chunk->tag.
    expect(readFileSync(join(out, 'a', '_', '_', 'b'), 'utf8')).toMatch(/^a\/\.\.\/\.\.\/b: \[\d+\.\d{9}, \{"log":"a\/\.\.\/\.\.\/b"\}\]\n$/);
  });

  it('writes under Path for any tag (property)', async () => {
    const { options, output } = fileOutput(join(root, 'out'));
    const piece = fc.oneof(fc.constantFrom('/', '\\', '.', '..', '../', '/..', '\0', '%Y', ' ', '~'), fc.string({ unit: 'grapheme', maxLength: 4 }));
    const tags = fc.array(piece, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(tags, async (tag) => {
        // Each tag gets its own Path so one tag's file never blocks another's directory.
        const base = join(root, String(run++));
        options.path = join(base, 'out');
        const record = { n: run };
        expect(await output.flush({ tag, events: [{ time: 1n, record }] })).toEqual({ status: 'ok' });
        const files = filesUnder(base);
        expect(files).toHaveLength(1);
        const rel = relative(join(base, 'out'), join(base, files[0]!));
        expect(inside(rel)).toBe(true);
        for (const part of rel.split(sep)) expect(part).toMatch(/^(?!\.\.?$)[A-Za-z0-9._-]+$/);
        expect(readFileSync(join(base, files[0]!), 'utf8')).toBe(`${JSON.stringify(record)}\n`);
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 60) },
    );
  });

  it('fails at once, without retries, for a tag the file system cannot take as a name', async () => {
    const { output } = fileOutput(join(root, 'out'));
    const flush = (tag: string) => output.flush({ tag, events: [{ time: 1n, record: { tag } }] });
    expect(await flush('x'.repeat(300))).toMatchObject({ status: 'error', reason: expect.stringMatching(/ENAMETOOLONG/) });
    expect(await flush('a')).toEqual({ status: 'ok' });
    // `a` is now a file, so the tag a/b has no directory to go to.
    expect(await flush('a/b')).toMatchObject({ status: 'error', reason: expect.stringMatching(/EEXIST/) });
    expect(filesUnder(join(root, 'out'))).toEqual(['a']);
  });

  it('keeps files inside the working directory when Path is not set (real agent)', async () => {
    const work = join(root, 'w1', 'w2', 'work');
    mkdirSync(work, { recursive: true });
    const absolute = join(root, 'abs', 'x');
    const input = join(root, 'in.log');
    writeFileSync(input, `../../x\n${absolute}\n`);
    const conf = join(root, 'agent.conf');
    writeFileSync(
      conf,
      `[SERVICE]\n    Flush 0.05\n    Grace 1\n[INPUT]\n    Name tail\n    Path ${input}\n    Tag in\n    Read_From_Head On\n    Exit_On_Eof On\n` +
        `[FILTER]\n    Name rewrite_tag\n    Match in\n    Rule $log ^(.+)$ $1 false\n[OUTPUT]\n    Name file\n    Match *\n    Mkdir On\n    Format plain\n`,
    );
    // The agent runs in `work`, away from the repository, so tsx is named by its file.
    const tsx = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', conf], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(0);
    const outside = filesUnder(root).filter((f) => !f.startsWith(`w1${sep}w2${sep}work${sep}`) && f !== 'in.log' && f !== 'agent.conf');
    expect(outside).toEqual([]);
    expect(filesUnder(work)).toEqual([join('_', '_', 'x'), join(...absolute.split(sep).filter((p) => p !== ''))].sort());
  }, 30_000);
});
