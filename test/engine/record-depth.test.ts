/**
 * Records nested too deep for a walk (issue 16), through the real pipeline: the lib input drops
 * them before any filter walks them, the chunk stage drops those that filters made too deep; each
 * is counted with its reason and the other records of the same push are delivered.
 */
import { describe, expect, it } from 'vitest';
import { validateClassic } from '../../src/config/validate.js';
import { MAX_JSON_DEPTH, MAX_RECORD_DEPTH, TOO_DEEP_REASON } from '../../src/engine/record-depth.js';
import { capture, planFrom } from '../support/pipeline.js';

/** A record nesting `levels` levels (the record itself is level 1). */
function nested(levels: number): Record<string, unknown> {
  let v: unknown = 'bottom';
  for (let i = 1; i < levels; i++) v = i % 2 === 0 ? [v] : { down: v };
  return { top: v };
}

const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n[INPUT]\n    Name lib\n    Tag app\n\n';
const OUTPUT = '[OUTPUT]\n    Name lib\n    Match *\n';

async function pushThrough(config: string, records: Record<string, unknown>[]) {
  const run = capture(planFrom(config));
  await run.pipeline.start();
  run.pipeline.push(records);
  await run.pipeline.stop();
  return { records: run.records(), input: run.pipeline.metrics().input['lib.0']!, logs: run.logs };
}

describe('records nested deeper than MAX_RECORD_DEPTH', () => {
  it('are dropped by the lib input, counted with the reason and logged once; the rest of the push is delivered', async () => {
    const out = await pushThrough(`${SERVICE}${OUTPUT}`, [{ n: 1 }, nested(MAX_RECORD_DEPTH + 1), nested(5000), nested(MAX_RECORD_DEPTH), { n: 2 }]);
    expect(out.records).toEqual([{ n: 1 }, nested(MAX_RECORD_DEPTH), { n: 2 }]);
    expect(out.input.dropped).toEqual({ [TOO_DEEP_REASON]: 2 });
    expect(out.logs.filter((l) => l.includes(TOO_DEEP_REASON))).toHaveLength(1);
  });

  it('are dropped where chunks take them when a filter made them too deep; the others of the batch are delivered', async () => {
    const nest = '[FILTER]\n    Name nest\n    Match *\n    Operation nest\n    Wildcard top\n    Nest_under wrapped\n\n';
    const out = await pushThrough(`${SERVICE}${nest}${OUTPUT}`, [{ n: 1 }, nested(MAX_RECORD_DEPTH), { n: 2 }]);
    expect(out.records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(out.input.dropped).toEqual({ [TOO_DEEP_REASON]: 1 });
    expect(out.input.counters['records']).toBe(3);
  });
});

describe('a dummy template nested deeper than MAX_JSON_DEPTH', () => {
  const errors = (template: string) =>
    validateClassic(`${process.cwd()}/inline.conf`, { text: `[INPUT]\n    Name dummy\n    Dummy ${template}\n\n${OUTPUT}`, env: {} })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);

  it('is a validation error (Fluent Bit cannot unpack it and emits nothing); one level less is fine', () => {
    const json = (levels: number) => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    expect(errors(json(MAX_JSON_DEPTH))).toEqual([]);
    expect(errors(json(MAX_JSON_DEPTH + 1)).join('\n')).toContain(`nests deeper than ${MAX_JSON_DEPTH} levels`);
  });
});
