import { copyFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../support/temp-dir.js';
import { bench, expectResult } from './support.js';

// The pipeline scenarios start the real CLI (`logferry run -c <config>`) as a child process on a
// Fluent Bit configuration; small inputs, figures printed and never asserted.
describe('logferry bench (pipeline scenarios)', () => {
  const tmp = useTempDir('logferry-bench-test-');

  for (const name of ['tail-null', 'tail-cri-null', 'tail-docker-cri-null', 'tail-cri-json-null', 'tail-apache-null', 'cloudwatch-local', 'firehose-local']) {
    it(`${name} runs logferry on the generated file and prints one JSON line`, async () => {
      const lines = await bench([name, '--lines', '2000']);
      expect(lines).toHaveLength(1);
      expectResult(lines[0]!, name);
      expect(lines[0]!['agent']).toBe('logferry');
      expect(lines[0]!['lines']).toBe(2000);
      if (name.endsWith('-local')) expect(lines[0]!['delivered']).toBe(2000);
      // Multiline joins fragments: fewer records than lines.
      if (name.includes('-cri-')) expect(lines[0]!['records'] as number).toBeLessThan(2000);
      else expect(lines[0]!['records']).toBe(2000);
      expect(['metrics', 'log', 'lifetime']).toContain(lines[0]!['timing']);
      expect(lines[0]!['seconds_total'] as number).toBeGreaterThanOrEqual(lines[0]!['seconds'] as number);
    }, 60_000);
  }

  it('rss-steady runs the dummy input at a steady rate and reports RSS per rate', async () => {
    const [r] = await bench(['rss-steady']);
    expectResult(r!, 'rss-steady');
    expect(typeof r!['rss_mb_1000']).toBe('number');
    expect(r!['aws_fluent_bit_rss_mb']).toEqual({ '100': 27, '1000': 44, '10000': 65 });
    // The Node floor runs by default, with logferry's Node: what of its RSS is Node's own.
    expect(typeof r!['node_floor_rss_mb_1000']).toBe('number');
    // The process's own memory is part of its RSS, the rest file pages.
    for (const key of ['rss_anon_mb_1000', 'node_floor_rss_anon_mb_1000']) {
      expect(r![key]).toBeGreaterThan(0);
      expect(r![key]).toBeLessThan(r![key.replace('_anon', '')] as number);
    }
  }, 60_000);

  it('--compare runs the same config and input through the given binary and prints both with the ratio', async () => {
    const fake = join(tmp.path, 'fluent-bit');
    copyFileSync(join(import.meta.dirname, 'fixtures/fake-fluent-bit.mjs'), fake);
    chmodSync(fake, 0o755);
    const [r] = await bench(['tail-null', '--lines', '1500', '--compare', fake]);
    expect(Object.keys(r!).sort()).toEqual(['bench', 'fluent_bit', 'logferry', 'ratio']);
    expect(r!['bench']).toBe('tail-null');
    const lf = r!['logferry'] as Record<string, unknown>;
    const fb = r!['fluent_bit'] as Record<string, unknown>;
    expectResult(lf, 'tail-null');
    expectResult(fb, 'tail-null');
    expect(lf['agent']).toBe('logferry');
    expect(fb['agent']).toBe('fluent-bit');
    expect(fb['lines']).toBe(1500);
    expect(r!['ratio']).toBeCloseTo((lf['lines_per_s'] as number) / (fb['lines_per_s'] as number), 1);
  }, 60_000);

  it('--compare runs the local-endpoint AWS scenarios through both over HTTPS (Fluent Bit speaks nothing else) and reports what each delivered', async () => {
    const fake = join(tmp.path, 'fluent-bit');
    copyFileSync(join(import.meta.dirname, 'fixtures/fake-fluent-bit.mjs'), fake);
    chmodSync(fake, 0o755);
    const [r] = await bench(['firehose-local', '--lines', '1000', '--compare', fake]);
    const lf = r!['logferry'] as Record<string, unknown>;
    const fb = r!['fluent_bit'] as Record<string, unknown>;
    // logferry's figures need every line at the endpoint: it reached it with Fluent Bit's settings
    // (endpoint 127.0.0.1, Port, tls.ca_file); the fake reads the file and sends nothing.
    expect(lf['delivered']).toBe(1000);
    expect(fb['agent']).toBe('fluent-bit');
    expect(fb['delivered']).toBe(0);
    expect(typeof r!['ratio']).toBe('number');
  }, 60_000);

  it('several scenarios run each in its own process, one JSON line each', async () => {
    const lines = await bench(['split', 'json', '--lines', '1000']);
    expect(lines.map((l) => l['bench'])).toEqual(['split', 'json']);
    for (const l of lines) expectResult(l, l['bench'] as string);
  }, 60_000);
});
