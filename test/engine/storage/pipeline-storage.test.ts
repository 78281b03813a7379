import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeEvents } from '../../../src/engine/storage/chunk-file.js';
import { PipelineError } from '../../../src/errors.js';
import { canFreezeDirs, freezeDir } from '../../support/frozen-dir.js';
import { capture, planFrom } from '../../support/pipeline.js';
import { useTempDir } from '../../support/temp-dir.js';

const tmp = useTempDir('logferry-storage-');

function config(opts: { service?: string; input?: string; output?: string } = {}): string {
  return (
    `[SERVICE]\n    Flush 0.05\n    Grace 1\n    storage.path ${join(tmp.path, 'buffer')}\n${opts.service ?? ''}\n` +
    `[INPUT]\n    Name lib\n    Tag app\n    storage.type filesystem\n${opts.input ?? ''}\n` +
    `[OUTPUT]\n    Name lib\n    Match *\n    Retry_Limit no_limits\n${opts.output ?? ''}\n`
  );
}

function chunkFiles(stream = 'lib.0'): string[] {
  const dir = join(tmp.path, 'buffer', stream);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.flb')) : [];
}

/** An output receiver that holds every batch until `release()`. */
function closedGate(): { gate: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

const failing = () => {
  throw new Error('sink down');
};

describe('filesystem storage', () => {
  it('keeps undelivered chunks on disk at shutdown and delivers them first on the next start', async () => {
    const first = capture(planFrom(config()), { retryDelayMs: () => 20, receiver: failing });
    await first.pipeline.start();
    first.pipeline.push([{ n: 1 }, { n: 2 }]);
    first.pipeline.flush();
    first.pipeline.push([{ n: 3 }], { tag: 'other' });
    await first.pipeline.stop(0.2);
    expect(first.records()).toEqual([]);
    expect(chunkFiles()).toHaveLength(2);
    // Nothing dropped: the records wait on disk.
    expect(first.pipeline.metrics().output['lib.0']!.dropped).toEqual({});
    expect(first.logs.join('\n')).toMatch(/3 record\(s\) kept in .*buffer for the next start/);

    const second = capture(planFrom(config()));
    await second.pipeline.start();
    second.pipeline.push([{ n: 4 }]);
    await second.pipeline.stop();
    expect(second.records()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect([...second.received.values()].flat().map((b) => b.tag)).toEqual(['app', 'other', 'app']);
    expect(second.pipeline.metrics().input['storage_backlog.0']!.counters['records']).toBe(3);
    expect(chunkFiles()).toEqual([]);
  });

  it('sends the backlog a few chunks at a time, within storage.backlog.mem_limit, oldest first', async () => {
    const first = capture(planFrom(config()), { retryDelayMs: () => 20, receiver: failing });
    await first.pipeline.start();
    for (let i = 0; i < 4; i++) {
      first.pipeline.push([{ i }]);
      first.pipeline.flush();
    }
    await first.pipeline.stop(0.1);
    expect(chunkFiles()).toHaveLength(4);

    let sending = 0;
    let most = 0;
    const second = capture(planFrom(config({ service: '    storage.backlog.mem_limit 1\n', output: '    Workers 4\n' })), {
      receiver: async () => {
        most = Math.max(most, ++sending);
        await new Promise((r) => setTimeout(r, 10));
        sending--;
      },
    });
    await second.pipeline.start();
    await second.pipeline.stop();
    expect(second.records()).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
    expect(most).toBe(1);
  });

  it('storage.pause_on_chunks_overlimit pauses the input at storage.max_chunks_up and resumes it', async () => {
    const { gate, release } = closedGate();
    const run = capture(planFrom(config({ service: '    storage.max_chunks_up 1\n', input: '    storage.pause_on_chunks_overlimit on\n' })), { receiver: () => gate });
    await run.pipeline.start();
    for (let i = 0; i < 5; i++) run.pipeline.push([{ i }]);
    const input = () => run.pipeline.metrics().input['lib.0']!.counters;
    expect(input()['paused']).toBe(1);
    expect(input()['held_records']).toBe(4);
    expect(run.logs.join('\n')).toMatch(/paused \(storage chunks overlimit: 1 >= 1 chunks up\)/);
    release();
    await new Promise((r) => setTimeout(r, 300));
    expect(input()['held_records']).toBe(0);
    await run.pipeline.stop();
    expect(run.records()).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    expect(run.logs.join('\n')).toMatch(/resume \(storage chunks: 0 < 1 chunks up\)/);
  });

  it('removes a chunk file once every output has it', async () => {
    const run = capture(planFrom(config()));
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }]);
    expect(chunkFiles()).toHaveLength(1);
    await run.pipeline.stop();
    expect(run.records()).toEqual([{ a: 1 }]);
    expect(chunkFiles()).toEqual([]);
  });

  it('moves a torn or corrupt chunk aside, recovers what it can, and keeps flowing', async () => {
    const first = capture(planFrom(config()), { retryDelayMs: () => 20, receiver: failing });
    await first.pipeline.start();
    first.pipeline.push([{ good: 1 }]);
    first.pipeline.push([{ good: 2 }]);
    await first.pipeline.stop(0.1);
    const [name] = chunkFiles();
    const path = join(tmp.path, 'buffer', 'lib.0', name!);
    // A crash in the middle of a third append: a torn frame at the end.
    appendFileSync(path, encodeEvents([{ time: 3n, record: { torn: 3 } }], false, 2).subarray(0, 30));
    writeFileSync(join(tmp.path, 'buffer', 'lib.0', '0000000000001-1-1.flb'), 'garbage');

    const second = capture(planFrom(config()));
    await second.pipeline.start();
    await second.pipeline.stop();
    expect(second.records()).toEqual([{ good: 1 }, { good: 2 }]);
    const backlog = second.pipeline.metrics().input['storage_backlog.0']!.counters;
    expect(backlog['quarantined_chunks']).toBe(2);
    expect(backlog['recovered_records']).toBe(2);
    expect(readdirSync(join(tmp.path, 'buffer', 'quarantine')).sort()).toEqual([`lib.0-0000000000001-1-1.flb`, `lib.0-${name}`].sort());
    expect(second.logs.join('\n')).toMatch(/damaged chunk file .*torn append/);
    expect(chunkFiles()).toEqual([]);
  });

  it('a damaged byte costs the records of one small frame, counted as dropped; the rest of the chunk is delivered', async () => {
    const first = capture(planFrom(config({ service: '    storage.checksum on\n' })), { retryDelayMs: () => 20, receiver: failing });
    await first.pipeline.start();
    // One append of 1,000 records (as a tail read block): frames of 256 records.
    first.pipeline.push(Array.from({ length: 1000 }, (_, i) => ({ i, log: `line ${i}` })));
    await first.pipeline.stop(0.1);
    const [name] = chunkFiles();
    const path = join(tmp.path, 'buffer', 'lib.0', name!);
    const bytes = readFileSync(path);
    // One changed letter in the middle of the file (inside the second frame).
    const at = bytes.indexOf('line 400"');
    bytes[at] = 'L'.charCodeAt(0);
    writeFileSync(path, bytes);

    const second = capture(planFrom(config({ service: '    storage.checksum on\n' })));
    await second.pipeline.start();
    await second.pipeline.stop();
    const got = second.records().map((r) => r['i']);
    expect(got).toEqual([...Array.from({ length: 256 }, (_, i) => i), ...Array.from({ length: 488 }, (_, i) => 512 + i)]);
    const backlog = second.pipeline.metrics().input['storage_backlog.0']!;
    expect(backlog.dropped).toEqual({ 'damaged chunk file': 256 });
    expect(backlog.counters['recovered_records']).toBe(744);
    expect(second.logs.join('\n')).toMatch(/damaged frame at byte \d+ \(checksum mismatch\).*744 record\(s\) recovered, 256 lost \(counted as dropped\)/);
  });

  it('chunk, quarantine and dead-letter files are owner-only (0600), as Fluent Bit makes them', async () => {
    const run = capture(planFrom(config({ service: '    storage.keep.rejected on\n', output: '    Retry_Limit 1\n' })), { retryDelayMs: () => 5, receiver: failing });
    await run.pipeline.start();
    run.pipeline.push([{ secret: 'token' }]);
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(join(tmp.path, 'buffer', 'lib.0', chunkFiles()[0]!))).toBe(0o600);
    await new Promise((r) => setTimeout(r, 200));
    await run.pipeline.stop();
    const rejected = join(tmp.path, 'buffer', 'rejected');
    expect(readdirSync(rejected).map((n) => mode(join(rejected, n)))).toEqual([0o600]);
    // A chunk left at shutdown, damaged, then quarantined at the next start.
    const kept = capture(planFrom(config()), { retryDelayMs: () => 20, receiver: failing });
    await kept.pipeline.start();
    kept.pipeline.push([{ secret: 'kept' }]);
    await kept.pipeline.stop(0.1);
    const [name] = chunkFiles();
    appendFileSync(join(tmp.path, 'buffer', 'lib.0', name!), 'garbage');
    const next = capture(planFrom(config()));
    await next.pipeline.start();
    await next.pipeline.stop();
    expect(next.records()).toEqual([{ secret: 'kept' }]);
    expect(mode(join(tmp.path, 'buffer', 'quarantine', `lib.0-${name}`))).toBe(0o600);
    // Directories as chunkio makes them (0755 less the umask).
    expect(mode(join(tmp.path, 'buffer', 'lib.0')) & 0o700).toBe(0o700);
  });

  it('skips a directory named *.flb at start with a warning and leaves it in place', async () => {
    const dir = join(tmp.path, 'buffer', 'lib.0', '0000000000001-1-1.flb');
    mkdirSync(dir, { recursive: true });
    const run = capture(planFrom(config()));
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }]);
    await run.pipeline.stop();
    expect(run.records()).toEqual([{ a: 1 }]);
    expect(run.logs.join('\n')).toMatch(/0000000000001-1-1\.flb: not a regular file \(a directory\): skipped, left in place/);
    expect(run.logs.join('\n')).not.toMatch(/deleted/);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it.skipIf(!canFreezeDirs)('a delivered chunk whose file cannot be removed is emptied and never sent again after a restart', async () => {
    const { gate, release } = closedGate();
    const first = capture(planFrom(config()), { receiver: () => gate });
    await first.pipeline.start();
    first.pipeline.push([{ n: 1 }, { n: 2 }]);
    const dir = join(tmp.path, 'buffer', 'lib.0');
    const [name] = chunkFiles();
    const thaw = freezeDir(dir);
    try {
      release();
      await first.pipeline.stop();
      expect(first.records()).toEqual([{ n: 1 }, { n: 2 }]);
      const logs = first.logs.join('\n');
      expect(logs).toMatch(new RegExp(`cannot remove delivered chunk file .*${name}: (EPERM|EACCES) .*emptied it, so that it is not sent again after a restart; retrying in 1s`));
      expect(logs).not.toMatch(/ENOTDIR|scandir/);
      expect(statSync(join(dir, name!)).size).toBe(0);

      // Restarted while the directory is still immutable: nothing is sent again.
      const second = capture(planFrom(config()));
      await second.pipeline.start();
      await second.pipeline.stop();
      expect(second.records()).toEqual([]);
      expect(second.logs.join('\n')).not.toMatch(/left by a previous run/);
    } finally {
      thaw();
    }
    const third = capture(planFrom(config()));
    await third.pipeline.start();
    await third.pipeline.stop();
    expect(third.records()).toEqual([]);
    expect(chunkFiles()).toEqual([]);
  });

  it('storage.max_chunks_up puts older chunks down (disk only) and still delivers all of them', async () => {
    const { gate, release } = closedGate();
    const run = capture(planFrom(config({ service: '    storage.max_chunks_up 2\n' })), { receiver: () => gate });
    await run.pipeline.start();
    for (let i = 0; i < 6; i++) {
      run.pipeline.push([{ i }], { tag: `t${i}` });
      run.pipeline.flush();
    }
    const status = run.pipeline.storageStatus();
    expect(status.fsChunks).toBe(6);
    expect(status.fsChunksUp).toBeLessThanOrEqual(3);
    expect(status.fsChunksDown).toBeGreaterThanOrEqual(3);
    release();
    await run.pipeline.stop();
    expect(run.records()).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ i })));
  });

  it('storage.total_limit_size discards the oldest queued chunks of that output, counted with the reason', async () => {
    const { gate, release } = closedGate();
    const run = capture(planFrom(config({ output: '    storage.total_limit_size 100\n' })), { receiver: () => gate });
    await run.pipeline.start();
    for (let i = 0; i < 4; i++) {
      run.pipeline.push([{ i, pad: 'x'.repeat(30) }]);
      run.pipeline.flush();
    }
    release();
    await run.pipeline.stop();
    const out = run.pipeline.metrics().output['lib.0']!;
    const dropped = Object.values(out.dropped).reduce((a, b) => a + b, 0);
    expect(Object.keys(out.dropped)[0]).toMatch(/^storage\.total_limit_size of 100 bytes reached/);
    // The first chunk was in flight (not discardable); of the three queued behind it only what fits stays.
    expect(run.records().length + dropped).toBe(4);
    expect(run.records()[0]).toEqual({ i: 0, pad: 'x'.repeat(30) });
    expect(run.records().at(-1)).toEqual({ i: 3, pad: 'x'.repeat(30) });
    expect(chunkFiles()).toEqual([]);
  });

  it('storage.keep.rejected writes dropped chunks to the dead-letter directory as JSON lines', async () => {
    const run = capture(planFrom(config({ service: '    storage.keep.rejected on\n', output: '    Retry_Limit 1\n' })), {
      retryDelayMs: () => 5,
      receiver: failing,
    });
    await run.pipeline.start();
    run.pipeline.push([{ lost: 'no' }]);
    await new Promise((r) => setTimeout(r, 200));
    await run.pipeline.stop();
    const dir = join(tmp.path, 'buffer', 'rejected');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const line = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ tag: 'app', output: 'lib.0', reason: 'retries exhausted: sink down', record: { lost: 'no' } });
    expect(chunkFiles()).toEqual([]);
  });

  it('refuses an input on filesystem storage without storage.path, when validating and when starting', async () => {
    const text = '[INPUT]\n    Name lib\n    storage.type filesystem\n[OUTPUT]\n    Name null\n    Match *\n';
    expect(() => planFrom(text)).toThrow(/lib.0 uses storage.type filesystem but \[SERVICE\] storage.path is not set/);
    const plan = planFrom(text.replace('storage.type filesystem', 'storage.type memory'));
    const input = plan.inputs[0]!;
    const forced = { ...plan, inputs: [{ ...input, options: { ...input.options, 'storage.type': 'filesystem' as const } }] };
    await expect(capture(forced).pipeline.start()).rejects.toThrow(PipelineError);
  });

  it('storage.inherit gives inputs without storage.type the [SERVICE] one', async () => {
    const text = config({ service: '    storage.type filesystem\n    storage.inherit on\n' }).replace('    storage.type filesystem\n\n[OUTPUT]', '\n[OUTPUT]');
    const { gate, release } = closedGate();
    const run = capture(planFrom(text), { receiver: () => gate });
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }]);
    expect(chunkFiles()).toHaveLength(1);
    release();
    await run.pipeline.stop();
  });
});

describe('memrb storage', () => {
  it('drops the oldest chunks not yet sent when Mem_Buf_Limit is reached, instead of pausing', async () => {
    const { gate, release } = closedGate();
    const text = '[SERVICE]\n    Flush 10\n[INPUT]\n    Name lib\n    storage.type memrb\n    Mem_Buf_Limit 120\n[OUTPUT]\n    Name lib\n    Match *\n';
    const run = capture(planFrom(text), { receiver: () => gate });
    await run.pipeline.start();
    for (let i = 0; i < 5; i++) run.pipeline.push([{ i, pad: 'y'.repeat(40) }], { tag: `t${i}` });
    release();
    await run.pipeline.stop();
    const input = run.pipeline.metrics().input['lib.0']!;
    const dropped = Object.values(input.dropped).reduce((a, b) => a + b, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(Object.keys(input.dropped)[0]).toMatch(/^memrb: Mem_Buf_Limit of 120 bytes reached/);
    expect(run.records().length + dropped).toBe(5);
    // The newest records survive.
    expect(run.records().at(-1)).toMatchObject({ i: 4 });
    expect(input.counters['paused']).toBeUndefined();
  });
});
