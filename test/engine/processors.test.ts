/**
 * Processors and conditional routes in the engine: on inputs before the pipeline's filters, on
 * outputs on a copy of each chunk, rewrite_tag as an input processor, routes by condition.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import type { Plan } from '../../src/config/plan/types.js';
import type { EventBatch } from '../../src/record/event.js';
import { capture } from '../support/pipeline.js';

function yamlPlan(text: string): Plan {
  const result = validateConfig(`${process.cwd()}/inline.yaml`, { text, env: { HOSTNAME: 'h' } });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.line}: ${d.message}`).join('; '));
  return result.plan;
}

const push = (c: ReturnType<typeof capture>, records: Record<string, unknown>[]) => c.pipeline.push(records);

describe('processors in the engine', () => {
  it('input processors run before the pipeline filters, output processors per output on a copy', async () => {
    const c = capture(
      yamlPlan(`
pipeline:
  inputs:
    - name: lib
      tag: app
      processors:
        logs:
          - name: modify
            add: step input
  filters:
    - name: modify
      match: '*'
      copy: step pipeline_saw
  outputs:
    - name: lib
      alias: plain
      match: '*'
    - name: lib
      alias: processed
      match: '*'
      processors:
        logs:
          - name: content_modifier
            action: upsert
            key: step
            value: output
`),
    );
    await c.pipeline.start();
    push(c, [{ msg: 'a' }]);
    await c.pipeline.stop();
    expect(c.records('plain')).toEqual([{ msg: 'a', step: 'input', pipeline_saw: 'input' }]);
    expect(c.records('processed')).toEqual([{ msg: 'a', pipeline_saw: 'input', step: 'output' }]);
  });

  it('an output whose processors drop everything is not called, and the chunk is delivered', async () => {
    const calls: string[] = [];
    const c = capture(
      yamlPlan(`
pipeline:
  inputs:
    - name: lib
  outputs:
    - name: lib
      match: '*'
      processors:
        logs:
          - name: sql
            query: "SELECT * FROM STREAM WHERE keep = true;"
`),
      { receiver: (name) => void calls.push(name) },
    );
    await c.pipeline.start();
    push(c, [{ keep: false }]);
    await c.pipeline.stop();
    expect(calls).toEqual([]);
    expect(c.pipeline.metrics().buffered_records).toBe(0);
  });

  it('a retried chunk goes through the output processors again from the chunk as it was', async () => {
    let attempts = 0;
    const seen: EventBatch[] = [];
    const c = capture(
      yamlPlan(`
pipeline:
  inputs:
    - name: lib
  outputs:
    - name: lib
      match: '*'
      retry_limit: 3
      processors:
        logs:
          - name: content_modifier
            action: rename
            key: a
            value: b
`),
      {
        retryDelayMs: () => 1,
        receiver: (_name, batch) => {
          seen.push({ tag: batch.tag, events: batch.events.map((e) => ({ ...e, record: { ...e.record } })) });
          if (++attempts === 1) throw new Error('try again');
        },
      },
    );
    await c.pipeline.start();
    push(c, [{ a: 1 }]);
    await c.pipeline.stop(5);
    expect(seen.map((b) => b.events[0]!.record)).toEqual([{ b: 1 }, { b: 1 }]);
  });

  it('what rewrite_tag re-emits from an input processor goes through the later processors only', async () => {
    const c = capture(
      yamlPlan(`
pipeline:
  inputs:
    - name: lib
      tag: app
      processors:
        logs:
          - name: modify
            add: first yes
          - name: rewrite_tag
            rule: $kind ^audit$ audit.app false
          - name: modify
            add: last yes
  outputs:
    - name: lib
      match: '*'
`),
    );
    await c.pipeline.start();
    push(c, [{ kind: 'audit' }, { kind: 'web' }]);
    await c.pipeline.stop();
    const rows = [...c.received.values()].flat().flatMap((b) => b.events.map((e) => ({ tag: b.tag, record: e.record })));
    expect(rows).toContainEqual({ tag: 'audit.app', record: { kind: 'audit', first: 'yes', last: 'yes' } });
    expect(rows).toContainEqual({ tag: 'app', record: { kind: 'web', first: 'yes', last: 'yes' } });
    expect(rows).toHaveLength(2);
  });
});

describe('conditional routes in the engine', () => {
  const plan = () =>
    yamlPlan(`
pipeline:
  inputs:
    - name: lib
      tag: app
      routes:
        logs:
          - name: errors
            condition:
              op: or
              rules:
                - field: $level
                  op: in
                  value: [error, fatal]
            to:
              outputs: [errs]
          - name: loud
            condition:
              rules:
                - field: $msg
                  op: regex
                  value: '!$'
            to:
              outputs: [lib.2]
          - name: rest
            condition:
              default: true
            to:
              outputs: [lib.1]
  outputs:
    - name: lib
      alias: errs
    - name: lib
    - name: lib
    - name: lib
      alias: everything
      match: '*'
`);

  it('sends each record to the routes whose condition holds (default: the others), under the route name', async () => {
    const c = capture(plan());
    await c.pipeline.start();
    push(c, [
      { level: 'error', msg: 'boom!' },
      { level: 'info', msg: 'fine' },
      { level: 'fatal', msg: 'down' },
    ]);
    await c.pipeline.stop();
    const tags = (name: string) => [...new Set((c.received.get(name) ?? []).map((b) => b.tag))];
    expect(c.records('errs')).toEqual([
      { level: 'error', msg: 'boom!' },
      { level: 'fatal', msg: 'down' },
    ]);
    expect(tags('errs')).toEqual(['errors']);
    expect(c.records('lib.2')).toEqual([{ level: 'error', msg: 'boom!' }]);
    expect(c.records('lib.1')).toEqual([{ level: 'info', msg: 'fine' }]);
    expect(tags('lib.1')).toEqual(['rest']);
    // An output no route names gets nothing from an input with routes, whatever its Match.
    expect(c.records('everything')).toEqual([]);
  });

  it('drops and counts the records no route takes', async () => {
    const c = capture(
      yamlPlan(`
pipeline:
  inputs:
    - name: lib
      routes:
        logs:
          - name: only_errors
            condition:
              rules:
                - field: $level
                  op: eq
                  value: error
            to:
              outputs: [lib]
  outputs:
    - name: lib
`),
    );
    await c.pipeline.start();
    push(c, [{ level: 'error' }, { level: 'info' }, { level: 'debug' }]);
    await c.pipeline.stop();
    expect(c.records()).toEqual([{ level: 'error' }]);
    expect(c.pipeline.metrics().input['lib.0']!.dropped).toEqual({ "no route's condition holds for the record": 2 });
  });
});

describe('processors logferry cannot run', () => {
  it('stop the start with the processor named, as an unsupported pipeline plugin does', async () => {
    const c = capture(
      yamlPlan(`
pipeline:
  inputs:
    - name: lib
      processors:
        logs:
          - name: opentelemetry_envelope
  outputs:
    - name: lib
      match: '*'
`),
    );
    await expect(c.pipeline.start()).rejects.toThrow(/processor 'opentelemetry_envelope' of input lib.0 is not supported/);
    await c.pipeline.stop();
  });
});
