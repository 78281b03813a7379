import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownReport, parseRun, svgChart, tabulate } from '../../src/bench/report.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const run = (name: string, label = name.replace('.jsonl', '')) => parseRun(label, readFileSync(fixture(name), 'utf8'));

describe('bench report', () => {
  const tmp = useTempDir('logferry-bench-report-');

  it('one run: a table of its figures and one bar per scenario', () => {
    const table = tabulate([run('main.jsonl')]);
    const md = markdownReport(table, { svgName: 'benchmarks.svg' });
    expect(md).toContain('| scenario | lines/s | MB/s | cpu s | lines per cpu s | RSS peak MB | load |');
    expect(md).toContain('| split | 20.0M | 1400 | 0.06 | – | 210 | 3.1 |');
    expect(md).toContain('![lines per second, log scale](benchmarks.svg)');
    // rss-steady gets its own table, with AWS's Fluent Bit figures beside.
    expect(md).toContain('## RSS at steady rates');
    expect(md).toContain('| 10000 | 9800 | 61 | 70 | 65 | 0.021 |');
    // A rate the run has no steady figure for shows a dash, not a number.
    expect(md).toContain('| 100 | 100 | 52 | 55 | 27 | – |');
    const svg = svgChart(table);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(4);
    expect(svg).toContain('>20.0M</text>');
  });

  it('two runs: side by side with the ratio; scenarios of only one run are kept', () => {
    const table = tabulate([run('branch.jsonl'), run('main.jsonl')]);
    const md = markdownReport(table);
    expect(md).toContain('| scenario | branch lines/s | main lines/s | branch ÷ main |');
    expect(md).toContain('| split | 25.0M | 20.0M | 1.25× |');
    expect(md).toContain('| cri | 2.00M | 2.50M | 0.80× |');
    expect(md).toContain('| tail-null | 800k | – | – |');
    expect(md).toContain('| validate | – | 9.00k | – |');
    const svg = svgChart(table);
    // Two series: a legend entry and a colour each.
    expect(svg).toContain('>branch</text>');
    expect(svg).toContain('>main</text>');
    expect(svg.match(/fill="#dd6b20"/g)!.length).toBeGreaterThan(1);
  });

  it('a --compare run: logferry against Fluent Bit', () => {
    const md = markdownReport(tabulate([run('compare.jsonl')]));
    expect(md).toContain('| scenario | logferry lines/s | Fluent Bit lines/s | logferry ÷ Fluent Bit |');
    expect(md).toContain('| tail-null | 900k | 600k | 1.50× |');
    expect(md).toContain('| json | 1.20M | – | – |');
  });

  it('logferry bench report writes the Markdown and the SVG next to it', async () => {
    const out = join(tmp.path, 'docs', 'bench.md');
    const r = await runCli(['bench', 'report', fixture('branch.jsonl'), fixture('main.jsonl'), '--out', out, '--labels', 'branch,main', '--note', 'Load average 9 on 2 cores.']);
    expect(r.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('Load average 9 on 2 cores.');
    expect(md).toContain('](bench.svg)');
    expect(readFileSync(join(tmp.path, 'docs', 'bench.svg'), 'utf8')).toContain('<svg');
    const none = await runCli(['bench', 'report']);
    expect(none.code).toBe(2);
  });
});
