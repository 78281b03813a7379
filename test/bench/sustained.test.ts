import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logferryCommand } from '../../src/bench/index.js';
import { checkDelivery, LINE_BYTES, RateWriter } from '../../src/bench/sustained.js';
import { useTempDir } from '../support/temp-dir.js';
import { bench, expectResult } from './support.js';

describe('sustained scenarios', () => {
  const tmp = useTempDir('logferry-bench-sustained-');

  it('the writer appends numbered 1 KiB lines at the rate asked, and every one is checked once', async () => {
    const path = join(tmp.path, 'app.log');
    const writer = new RateWriter(path, 500_000);
    writer.start();
    await new Promise((r) => setTimeout(r, 300));
    const written = writer.stop();
    const text = readFileSync(path, 'latin1');
    expect(text.length).toBe(written.bytes);
    expect(written.bytes).toBe(written.lines * LINE_BYTES);
    // 500 kB/s for 0.3 s is about 146 lines; timers on a busy machine run late, never early.
    expect(written.lines).toBeGreaterThan(100);
    expect(written.lines).toBeLessThan(300);
    const lines = text.split('\n').slice(0, -1);
    expect(lines).toHaveLength(written.lines);
    expect(lines[0]).toMatch(/^0000000000_\d{13}_[A-Z]{998}$/);
    expect(lines.at(-1)!.slice(0, 10)).toBe(String(written.lines - 1).padStart(10, '0'));
    // As stored by the outputs: JSON records whose `log` is the line (or the line itself).
    const records = lines.map((l) => JSON.stringify({ log: l }));
    expect(checkDelivery(records, written.lines)).toEqual({ delivered: written.lines, duplicates: 0, foreign: 0 });
    const damaged = `${lines[2]!.slice(0, 40)}x${lines[2]!.slice(41)}`;
    expect(checkDelivery([...lines.slice(1).map((l) => Buffer.from(l)), lines[1]!, damaged], written.lines)).toEqual({ delivered: written.lines - 1, duplicates: 1, foreign: 1 });
  });

  it('firehose-sustained delivers every written line exactly once and reports rate, lag and cores; --compare runs the other binary the same way', async () => {
    // The "other binary" is logferry again behind a script: it reads the same Fluent Bit
    // configuration (-c), so the comparison path runs end to end with two real agents.
    const other = join(tmp.path, 'fluent-bit');
    writeFileSync(other, `#!/bin/sh\nexec ${logferryCommand().map((a) => `'${a}'`).join(' ')} run "$@"\n`);
    chmodSync(other, 0o755);
    const [r] = await bench(['firehose-sustained', '--compare', other], { BENCH_SUSTAINED_SECONDS: '1', BENCH_FIREHOSE_MBPS: '2' });
    expect(Object.keys(r!).sort()).toEqual(['bench', 'fluent_bit', 'logferry', 'ratio']);
    for (const agent of ['logferry', 'fluent_bit']) {
      const a = r![agent] as Record<string, unknown>;
      expectResult(a, 'firehose-sustained');
      expect(a['target_mb_per_s']).toBe(2);
      expect(a['written'] as number).toBeGreaterThan(1000);
      expect(a['delivered']).toBe(a['written']);
      expect(a['duplicates']).toBe(0);
      expect(a['foreign']).toBe(0);
      for (const k of ['written_mb_per_s', 'delivered_mb_per_s', 'lag_s', 'cores', 'rss_peak_mb']) {
        expect(typeof a[k], k).toBe('number');
        expect(a[k] as number, k).toBeGreaterThan(0);
      }
      expect(a['written_mb_per_s'] as number).toBeGreaterThan(1.5);
    }
    expect((r!['fluent_bit'] as Record<string, unknown>)['agent']).toBe('fluent-bit');
  }, 90_000);
});
