import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { bench, expectResult } from './support.js';

// Every scenario measured in this process, on a few thousand generated lines: it runs and prints
// one JSON line with the required keys. Figures are printed, never asserted.
const NAMES = ['split', 'cri', 'docker', 'json', 'regex-apache', 'regex-crio', 'k8s', 'filter-none', 'filter-grep', 'filter-modify', 'filter-record-modifier', 'filter-grep-alone', 'filter-modify-alone', 'filter-record-modifier-alone', 'validate-1000', 'backlog'];

describe('logferry bench (in-process scenarios)', () => {
  for (const name of NAMES) {
    it(`${name} prints one JSON line with the required keys`, async () => {
      const lines = await bench([name, '--lines', '2000']);
      expect(lines).toHaveLength(1);
      expectResult(lines[0]!, name);
    });
  }

  it('parsers and multiline produce every record of the generated input', async () => {
    const [cri] = await bench(['cri', '--lines', '3000']);
    expect(cri!['lines']).toBe(3000);
    // 1 message in 5 is split into P fragments, so there are fewer records than lines.
    expect(cri!['results']).toBeLessThan(3000);
    const [apache] = await bench(['regex-apache', '--lines', '1000']);
    expect(apache!['results']).toBe(1000);
    const [crio] = await bench(['regex-crio', '--lines', '1000']);
    expect(crio!['results']).toBe(1000);
  });

  it('validate measures the Container Insights set in process and as a new CLI process', async () => {
    const [r] = await bench(['validate'], { BENCH_CLI_RUNS: '1' });
    expectResult(r!, 'validate');
    expect(r!['errors']).toBe(0);
    expect(r!['files']).toBeGreaterThan(1);
    expect(typeof r!['ms_cli']).toBe('number');
    expect(typeof r!['ms_node']).toBe('number');
    expect(r!['cli']).toBe('source (tsx)');
  }, 60_000);

  it('lists the scenarios, and refuses an unknown one or a bad --lines', async () => {
    const list = await runCli(['bench', '--list']);
    expect(list.code).toBe(0);
    for (const n of [...NAMES, 'validate', 'tail-null', 'tail-cri-json-null', 'tail-apache-null', 'cloudwatch-local', 'firehose-local', 'rss-steady', 'firehose-sustained', 'cloudwatch-sustained']) expect(list.stdout).toContain(n);
    const unknown = await runCli(['bench', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown scenario 'nope'");
    const bad = await runCli(['bench', 'split', '--lines', 'many']);
    expect(bad.code).toBe(2);
  });
});
