import { parseClassic } from '../../src/config/classic/parse.js';
import { validateClassic } from '../../src/config/validate.js';
import type { Plan } from '../../src/config/plan/types.js';
import type { EventBatch } from '../../src/record/event.js';
import { Pipeline, type PipelineOptions } from '../../src/engine/pipeline.js';

/** A plan from classic config text (validated: fails the test on any error). */
export function planFrom(text: string, env: Record<string, string> = { HOSTNAME: 'test-host' }): Plan {
  const parsed = parseClassic('inline.conf', text);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(parsed.diagnostics));
  const result = validateClassic(`${process.cwd()}/inline.conf`, { text, env });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`config errors: ${errors.map((d) => `${d.line}: ${d.message}`).join('; ')}`);
  return result.plan;
}

export interface Captured {
  pipeline: Pipeline;
  /** Batches received by lib outputs, by output name. */
  received: Map<string, EventBatch[]>;
  logs: string[];
  records(output?: string): Record<string, unknown>[];
}

/** A pipeline whose lib outputs record what they receive (optionally answering with `receiver`). */
export function capture(plan: Plan, options: PipelineOptions & { receiver?: (name: string, batch: EventBatch) => void | Promise<void> } = {}): Captured {
  const received = new Map<string, EventBatch[]>();
  const logs: string[] = [];
  const pipeline = new Pipeline(plan, {
    logSink: (l) => logs.push(l),
    ...options,
    onLibRecords: async (name, batch) => {
      await options.receiver?.(name, batch);
      const list = received.get(name) ?? [];
      list.push({ tag: batch.tag, events: [...batch.events] });
      received.set(name, list);
    },
  });
  return {
    pipeline,
    received,
    logs,
    records: (output) =>
      [...received.entries()].filter(([n]) => output === undefined || n === output).flatMap(([, batches]) => batches.flatMap((b) => b.events.map((e) => e.record))),
  };
}
