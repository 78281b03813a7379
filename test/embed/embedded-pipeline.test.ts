import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createPipeline, defineFilter, loadConfig, opt, registerPlugin, validateConfig, type OutputBatch } from '../../src/index.js';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir('logferry-embed-');
const quiet = { log: () => {} };
const BASIC = '[SERVICE]\n    Flush 0.05\n[INPUT]\n    Name lib\n    Tag  app\n[OUTPUT]\n    Name  lib\n    Match *\n';

describe('validateConfig and loadConfig', () => {
  it('returns diagnostics as data for text, a path, or a {text} source', () => {
    const bad = '[INPUT]\n    Name tail\n    Pathh /var/log/*.log\n[OUTPUT]\n    Name null\n    Match *\n';
    const fromText = validateConfig(bad);
    expect(fromText.map((d) => [d.code, d.line])).toContainEqual(['unknown-key', 3]);
    const file = tmp.write('agent.conf', bad);
    expect(validateConfig(file).map((d) => d.code)).toEqual(fromText.map((d) => d.code));
    expect(validateConfig({ path: file })[0]?.file).toBe(file);
    expect(validateConfig({ text: 'pipeline:\n  inputs:\n    - name: dummy\n', format: 'yaml' }).some((d) => d.severity === 'error')).toBe(false);
  });

  it('loadConfig gives the typed plan, or throws a ConfigError with a literal name and code', () => {
    const plan = loadConfig(BASIC);
    expect(plan.inputs[0]?.plugin).toBe('lib');
    expect(plan.service.flush).toBe(50);
    try {
      loadConfig('[OUTPUT]\n    Name nul\n');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect([e.name, e.code]).toEqual(['ConfigError', 'LOGFERRY_CONFIG']);
      expect(e.diagnostics.find((d) => d.code === 'unknown-plugin')?.hint).toMatch(/null/);
    }
  });
});

describe('createPipeline', () => {
  it('push -> filters -> on("records"); a rejecting listener makes the chunk retry', async () => {
    const p = createPipeline(BASIC, quiet);
    let failures = 1;
    const seen: OutputBatch[] = [];
    p.on('records', (b) => {
      if (failures-- > 0) throw new Error('not yet');
      seen.push(b);
    });
    await p.start();
    p.push('web', [{ a: 1 }, { a: 2 }]);
    p.push(undefined, { a: 3 });
    await new Promise((r) => setTimeout(r, 200));
    await p.stop({ grace: 5 });
    const records = seen.flatMap((b) => b.events.map((e) => e.record));
    expect(records.sort((x, y) => Number(x['a']) - Number(y['a']))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(seen.map((b) => [b.output, b.tag]).sort()).toEqual([['lib.0', 'app'], ['lib.0', 'web']]);
    expect(p.metrics().output['lib.0']?.counters['retries']).toBe(1);
  });

  it('records() iterates batches and holds the buffer until the loop takes them', async () => {
    const p = createPipeline(BASIC, quiet);
    await p.start();
    const got: unknown[] = [];
    const loop = (async () => {
      for await (const batch of p.records()) {
        got.push(...batch.events.map((e) => e.record));
        if (got.length === 3) break;
      }
    })();
    p.push('app', [{ n: 1 }, { n: 2 }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(p.metrics().buffered_records).toBe(0);
    p.push('app', { n: 3 });
    await loop;
    expect(got).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    // Nobody iterates now: the next batch waits in the buffer (counted as buffered, not lost).
    const slow = p.records();
    const it = slow[Symbol.asyncIterator]();
    p.push('app', { n: 4 });
    await new Promise((r) => setTimeout(r, 100));
    expect(p.metrics().buffered_records).toBe(1);
    expect((await it.next()).value?.events[0]?.record).toEqual({ n: 4 });
    await p.stop();
    expect((await it.next()).done).toBe(true);
  });

  it('reload: an invalid configuration is refused and the old one keeps running; a valid one takes over without loss', async () => {
    const p = createPipeline(BASIC, quiet);
    const seen: string[] = [];
    p.on('records', (b) => {
      for (const e of b.events) seen.push(`${b.output}:${String(e.record['n'])}`);
    });
    await p.start();
    p.push('app', { n: 1 });
    await expect(p.reload('[INPUT]\n    Name lib\n[OUTPUT]\n    Name lib\n    Matchh *\n')).rejects.toBeInstanceOf(ConfigError);
    p.push('app', { n: 2 });
    await p.reload(BASIC.replace('    Match *\n', '    Match *\n    Alias second\n'));
    p.push('app', { n: 3 });
    await p.stop();
    expect(seen).toEqual(['lib.0:1', 'lib.0:2', 'second:3']);
  });
});

describe('custom plugins', () => {
  const unregister: (() => void)[] = [];
  afterEach(() => unregister.splice(0).forEach((u) => u()));

  it('a filter defined in TypeScript is validated by its table and runs by Name', async () => {
    unregister.push(
      registerPlugin(
        defineFilter({
          name: 'stamp',
          description: 'adds a key',
          options: { key: opt.string({ required: true, doc: 'key to add' }) },
          create: (options) => ({
            filter: (_tag, events) => {
              for (const e of events) e.record[options.key] = true;
              return events;
            },
          }),
        }),
      ),
    );
    const bad = validateConfig(BASIC + '[FILTER]\n    Name stamp\n    Match *\n    Keyy x\n');
    expect(bad.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      "[FILTER] stamp is missing the required key 'key'",
      "unknown key 'Keyy' in [FILTER] stamp",
    ]);
    const p = createPipeline(BASIC + '[FILTER]\n    Name stamp\n    Match *\n    Key seen\n', quiet);
    const out: unknown[] = [];
    p.on('records', (b) => void out.push(...b.events.map((e) => e.record)));
    await p.start();
    p.push('app', { a: 1 });
    await p.stop();
    expect(out).toEqual([{ a: 1, seen: true }]);
  });

  it('refuses a name that a plugin of the same kind already has', () => {
    expect(() => registerPlugin(defineFilter({ name: 'grep', description: 'x', options: {} }))).toThrow(/already registered/);
  });
});

describe('the README embedding example', () => {
  const exec = promisify(execFile);
  it('is examples/embed.ts, type-checks against the public API, and prints what its comments say', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Embed in a Node program'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const example = readFileSync(join(REPO_ROOT, 'examples/embed.ts'), 'utf8');
    expect(block).toBe(example);
    await exec(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(REPO_ROOT, 'examples/tsconfig.json')], { cwd: REPO_ROOT });
    const runnable = join(tmp.path, 'embed.mts');
    writeFileSync(runnable, example.replace("from 'logferry'", `from '${join(REPO_ROOT, 'src/index.ts')}'`));
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', runnable], { cwd: REPO_ROOT });
    const promised = [...example.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(stdout.trim().split('\n')).toEqual(promised);
  }, 60_000);

  it('shows the pino and winston examples as they are in examples/ (type-checked above, run by test/transports/cloudwatch-apps.e2e.test.ts)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.slice(readme.indexOf('### pino and winston transports')).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.slice(0, 2)).toEqual(['pino', 'winston'].map((w) => readFileSync(join(REPO_ROOT, `examples/${w}-cloudwatch.ts`), 'utf8')));
  });
});
