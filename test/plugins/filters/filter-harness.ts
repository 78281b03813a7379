import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture, planFrom } from '../../support/pipeline.js';

/** A parsers file ([PARSER] / [MULTILINE_PARSER] sections) in a temp dir, as a [SERVICE] line. */
export function parsersFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'logferry-filter-')), 'parsers.conf');
  writeFileSync(path, text);
  return `    Parsers_File ${path}\n`;
}

/** Records of one tag pushed through `[FILTER]` sections between a lib input and a lib output. */
export async function runFilters(
  filters: string,
  records: Record<string, unknown>[],
  options: { tag?: string; match?: string; extra?: string; service?: string; wait?: number } = {},
): Promise<{ records: Record<string, unknown>[]; tags: string[]; run: ReturnType<typeof capture> }> {
  const tag = options.tag ?? 'test';
  const plan = planFrom(
    `[SERVICE]\n    Flush 0.05\n    Grace 2\n${options.service ?? ''}\n${options.extra ?? ''}[INPUT]\n    Name lib\n    Tag ${tag}\n\n${filters}\n[OUTPUT]\n    Name lib\n    Match ${options.match ?? '*'}\n`,
  );
  const run = capture(plan);
  await run.pipeline.start();
  run.pipeline.push(records, { tag });
  if (options.wait) await new Promise((r) => setTimeout(r, options.wait));
  await run.pipeline.stop();
  const batches = [...run.received.values()].flat();
  return {
    records: run.records(),
    tags: batches.flatMap((b) => b.events.map(() => b.tag)),
    run,
  };
}

/** A `[FILTER]` section from `Key value` lines. */
export function filterSection(name: string, lines: readonly string[], match = '*'): string {
  return `[FILTER]\n    Name ${name}\n    Match ${match}\n${lines.map((l) => `    ${l}\n`).join('')}\n`;
}
