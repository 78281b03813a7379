/**
 * YAML `processors` of inputs and outputs, run as Fluent Bit 4.2 runs them (src/flb_processor.c):
 *
 * - An input's processors see its records as it emits them, with its tag, before the pipeline's
 *   filters (flb_input_log_append runs them before the chunk is appended).
 * - An output's processors see each chunk routed to it, with the chunk's tag, on every flush
 *   (flb_output_flush_create), on a copy: other outputs of the chunk do not see the changes. An
 *   empty result is delivered without calling the output.
 * - A filter used as a processor applies to every record (its Match is ignored: Fluent Bit sets it
 *   to `*`, and a `condition` on it is never evaluated); a native processor (content_modifier, sql)
 *   applies to the records its `condition` selects, the others pass unchanged.
 * - What a filter processor re-emits under a new tag (rewrite_tag) goes on, on an input, through the
 *   input's later processors (flb_input_log_append_skip_processor_stages); on an output, through the
 *   pipeline's emitter like a filter's.
 */
import type { Plan, PlanInstance } from '../config/plan/types.js';
import { PipelineError } from '../errors.js';
import { evaluateCondition } from '../config/plan/evaluate-condition.js';
import type { EventBatch, LogEvent } from '../record/event.js';
import type { Logger } from './logger.js';
import { Counters } from './metrics.js';
import type { EmitterSettings, FilterRuntime, InputContext, InputRuntime, OutputRuntime } from './plugin.js';
import { routeByConditions } from './input-routes.js';
import { pluginContext, type ContextParts } from './plugin-context.js';

interface Unit {
  readonly instance: PlanInstance<'filter'>;
  readonly runtime: FilterRuntime;
  readonly counters: Counters;
}

type Emit = InputContext['emit'];
/** The pipeline's emitter for what an output processor re-emits (rewrite_tag): routed from the start. */
export type PipelineEmitter = (instance: PlanInstance<'filter'>, settings: EmitterSettings) => (tag: string, events: LogEvent[]) => void;

/** The processors of one input or output, in order. */
export class ProcessorChain {
  private constructor(
    private readonly units: readonly Unit[],
    private readonly log: Logger,
  ) {}

  /**
   * Creates the runtimes of `owner`'s logs processors; undefined when it has none. `reemit` receives
   * what a unit re-emits, with the index of the unit after it.
   */
  static async create(owner: PlanInstance, plan: Plan, parts: ContextParts, reemit: (next: number, tag: string, events: LogEvent[], unit: PlanInstance<'filter'>, settings: EmitterSettings) => void): Promise<ProcessorChain | undefined> {
    const list = (owner.processors ?? []).filter((p) => p.signal === 'logs');
    // As for the pipeline's plugins: a processor logferry cannot run stops the start, not the records.
    const missing = list.find((p) => p.definition?.create === undefined);
    if (missing) throw new PipelineError(`processor '${missing.plugin}' of ${owner.kind} ${owner.displayName} is not supported by logferry; remove it to run this configuration`);
    if (list.length === 0) return undefined;
    const units: Unit[] = [];
    for (const [i, instance] of list.entries()) {
      const counters = new Counters();
      const log = parts.log.child(`processor ${instance.displayName}`);
      const runtime = await instance.definition!.create!(instance.options, {
        ...pluginContext(instance, plan, { ...parts, log, counters }),
        emitter: (settings) => (tag, events) => reemit(i + 1, tag, events, instance, settings),
      });
      units.push({ instance, runtime, counters });
    }
    return new ProcessorChain(units, parts.log);
  }

  /** Runs the units from `start` on the events; synchronous while every unit is. */
  run(tag: string, events: LogEvent[], start = 0): LogEvent[] | Promise<LogEvent[]> {
    let current = events;
    for (let i = start; i < this.units.length && current.length > 0; i++) {
      const out = this.runUnit(this.units[i]!, tag, current);
      if (out instanceof Promise) return out.then((r) => this.run(tag, r, i + 1));
      current = out;
    }
    return current;
  }

  async stop(): Promise<void> {
    for (const u of this.units) {
      try {
        await u.runtime.stop?.();
      } catch (err) {
        this.log.error(`processor ${u.instance.displayName} stop failed: ${(err as Error).message}`);
      }
    }
  }

  private runUnit(unit: Unit, tag: string, events: LogEvent[]): LogEvent[] | Promise<LogEvent[]> {
    const fail = (err: unknown): LogEvent[] => {
      unit.counters.add('errors');
      this.log.error(`processor ${unit.instance.displayName} failed, records passed unchanged: ${(err as Error)?.message ?? String(err)}`);
      return events;
    };
    try {
      const condition = unit.instance.condition;
      const out = condition ? this.runWhere(unit, tag, events, (e) => evaluateCondition(condition, e.record)) : unit.runtime.filter(tag, events);
      return out instanceof Promise ? out.catch(fail) : out;
    } catch (err) {
      return fail(err);
    }
  }

  /** The unit on the records `selected` holds for, each in its place; the others unchanged. */
  private async runWhereAsync(unit: Unit, tag: string, events: LogEvent[], selected: (e: LogEvent) => boolean): Promise<LogEvent[]> {
    const out: LogEvent[] = [];
    for (const e of events) out.push(...(selected(e) ? await unit.runtime.filter(tag, [e]) : [e]));
    return out;
  }

  private runWhere(unit: Unit, tag: string, events: LogEvent[], selected: (e: LogEvent) => boolean): LogEvent[] | Promise<LogEvent[]> {
    const out: LogEvent[] = [];
    for (const [i, e] of events.entries()) {
      if (!selected(e)) {
        out.push(e);
        continue;
      }
      const r = unit.runtime.filter(tag, [e]);
      if (r instanceof Promise) return r.then(async (first) => [...out, ...first, ...(await this.runWhereAsync(unit, tag, events.slice(i + 1), selected))]);
      out.push(...r);
    }
    return out;
  }
}

/** How an input's records enter the pipeline, and its runtime as the engine drives it. */
export interface InputSide {
  readonly emit: Emit;
  /** Nothing runs on the records between `emit` and the pipeline (no processors, no conditional routes). */
  readonly direct: boolean;
  wrap(runtime: InputRuntime): InputRuntime;
}

/**
 * The input side of `instance`: its records go through its processors (in order: a batch waits for
 * an earlier one still in an asynchronous processor; synchronous while the processors are), then
 * through its conditional routes, then to `ingest`. What processors drop is committed by `ingest`.
 */
export async function inputSide(instance: PlanInstance<'input'>, plan: Plan, parts: ContextParts, ingest: Emit): Promise<InputSide> {
  const routed = instance.routes ? routeByConditions(instance.routes, ingest, parts.counters, parts.log) : ingest;
  let tail: Promise<void> | undefined;
  let chain: ProcessorChain | undefined;
  const run = (tag: string, events: LogEvent[], committed: (() => void) | undefined, start: number): void => {
    const deliver = (out: LogEvent[]) => routed(tag, out, committed);
    if (!tail) {
      const out = chain!.run(tag, events, start);
      if (!(out instanceof Promise)) return deliver(out);
      return queue(out.then(deliver));
    }
    queue(tail.then(async () => deliver(await chain!.run(tag, events, start))));
  };
  const queue = (p: Promise<void>): void => {
    const next: Promise<void> = p.then(
      () => {
        if (tail === next) tail = undefined;
      },
      (err: unknown) => {
        if (tail === next) tail = undefined;
        parts.log.error(`input processors failed: ${(err as Error)?.message ?? String(err)}`);
      },
    );
    tail = next;
  };
  chain = await ProcessorChain.create(instance, plan, parts, (next, tag, events) => run(tag, events, undefined, next));
  if (!chain) return { emit: routed, direct: !instance.routes, wrap: (runtime) => runtime };
  const processors = chain;
  const idle = async () => {
    while (tail) await tail;
  };
  return {
    emit: (tag, events, committed) => run(tag, events, committed, 0),
    direct: false,
    wrap: (runtime) => ({
      ...(runtime.pausesWithoutLoss !== undefined ? { pausesWithoutLoss: runtime.pausesWithoutLoss } : {}),
      start: () => runtime.start(),
      pause: () => runtime.pause(),
      resume: () => runtime.resume(),
      // Stopping also waits for the processors and stops them (what they hold is emitted).
      stop: async () => {
        await runtime.stop();
        await idle();
        await processors.stop();
        await idle();
      },
    }),
  };
}

/**
 * The output side of `instance`: its runtime, or one whose flush runs the output's processors on a
 * copy of the batch's events (the chunk is shared with other outputs, and a retry starts again from
 * the chunk as it was).
 */
export async function outputSide(instance: PlanInstance<'output'>, plan: Plan, parts: ContextParts, runtime: OutputRuntime, emitter: PipelineEmitter): Promise<OutputRuntime> {
  const chain = await ProcessorChain.create(instance, plan, parts, (_next, tag, events, unit, settings) => emitter(unit, settings)(tag, events));
  if (!chain) return runtime;
  return {
    ...(runtime.deliversPastGrace !== undefined ? { deliversPastGrace: runtime.deliversPastGrace } : {}),
    ...(runtime.forget ? { forget: (id: string) => runtime.forget!(id) } : {}),
    flush: async (batch, attempt) => {
      const copy = batch.events.map((e) => ({ time: e.time, record: structuredClone(e.record) }));
      const events = await chain.run(batch.tag, copy);
      if (events.length === 0) return { status: 'ok' };
      const processed: EventBatch = { tag: batch.tag, events };
      if (batch.id !== undefined) processed.id = batch.id;
      if (batch.inputPlugin !== undefined) processed.inputPlugin = batch.inputPlugin;
      return runtime.flush(processed, attempt);
    },
    stop: async () => {
      await chain.stop();
      await runtime.stop?.();
    },
  };
}
