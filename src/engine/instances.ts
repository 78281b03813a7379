/**
 * The plugin runtimes of a plan, created as Fluent Bit creates them: outputs (with their
 * processors, in an output slot each), filters (those not `Active false`), then inputs (with their
 * processors and routes, in an input slot each, limits set from their options). Each gets the
 * narrow context of `plugin-context.ts`, its own counters and a logger at its own Log_Level.
 */
import type { Plan, PlanInstance } from '../config/plan/types.js';
import { inputStorageType } from '../config/plan/storage-type.js';
import { PipelineError } from '../errors.js';
import type { LogEvent } from '../record/event.js';
import { normalizeLevel, type Logger } from './logger.js';
import { Counters } from './metrics.js';
import { OutputSlot, type RetryPolicy, type SlotHooks } from './output-slot.js';
import type { EncodedEmit, InputContext, PluginHost } from './plugin.js';
import { inputTag, pluginContext, type ContextParts } from './plugin-context.js';
import { inputSide, outputSide, type PipelineEmitter } from './processors.js';
import { InputSlot, READ_AHEAD_BYTES, type FilterSlot, type Slot } from './slots.js';

/** What every instance is created with. */
export interface InstanceParts {
  readonly plan: Plan;
  /** The pipeline's logger: each instance logs through a child named after it. */
  readonly log: Logger;
  readonly host: PluginHost;
  /** Where what a filter (or an output's filter processor) re-emits under a new tag goes. */
  readonly emitter: PipelineEmitter;
}

/**
 * Creates the outputs into `outputs`, each in a slot that sends its chunks with `retryDelayMs`
 * between retries and reports to `hooks`. Each is added once created, so that a pipeline stopped
 * after a failed start stops those created (as for filters and inputs).
 */
export async function createOutputs(parts: InstanceParts, outputs: Slot[], hooks: SlotHooks<InputSlot>, retryDelayMs: RetryPolicy['delayMs']): Promise<void> {
  for (const instance of parts.plan.outputs) {
    const own = ownParts(parts, instance);
    const plain = await instance.definition!.create!(instance.options, pluginContext(instance, parts.plan, own));
    const runtime = await outputSide(instance, parts.plan, own, plain, parts.emitter);
    const retry = { limit: instance.options.retry_limit, delayMs: retryDelayMs };
    outputs.push(new OutputSlot(instance, runtime, own.counters, own.log, retry, instance.options.workers, hooks, instance.options['storage.total_limit_size']));
  }
}

/** Creates the filters that run (`Active false` ones are skipped) into `filters`, in configuration order. */
export async function createFilters(parts: InstanceParts, filters: FilterSlot[]): Promise<void> {
  for (const instance of parts.plan.filters) {
    if (instance.options.active === false) continue;
    const own = ownParts(parts, instance);
    const runtime = await instance.definition!.create!(instance.options, {
      ...pluginContext(instance, parts.plan, own),
      emitter: (settings) => parts.emitter(instance, settings),
    });
    filters.push({ instance, runtime, counters: own.counters });
  }
}

export interface InputWiring {
  /** Where the input's records go once through its processors and routes. */
  ingest(slot: InputSlot, tag: string, events: LogEvent[], committed: (() => void) | undefined): void;
  /** InputContext.encoded for an input whose records need no processor or route (processors.ts `direct`). */
  encoded(slot: InputSlot): EncodedEmit;
  /** The input asks the agent to stop (Exit_On_Eof, Samples). */
  done(input: string): void;
  /** Whether [SERVICE] storage.path is set (a filesystem input needs it). */
  readonly hasStorage: boolean;
}

/**
 * Creates the inputs into `inputs`, each slot added before its runtime is created (so that a
 * pipeline stopped after a failed start stops those created).
 */
export async function createInputs(parts: InstanceParts, inputs: InputSlot[], wiring: InputWiring): Promise<void> {
  const plan = parts.plan;
  for (const instance of plan.inputs) {
    const own = ownParts(parts, instance);
    const slot = new InputSlot(instance.displayName, instance.options.mem_buf_limit, own.counters, own.log, instance.plugin);
    slot.storageType = inputStorageType(plan.service, instance);
    slot.stream = instance.id;
    slot.pauseOnChunksOverlimit = instance.options['storage.pause_on_chunks_overlimit'] === true;
    slot.routable = instance.options.routable;
    if (slot.storageType === 'filesystem' && !wiring.hasStorage) {
      throw new PipelineError(`input ${instance.displayName} uses storage.type filesystem but [SERVICE] storage.path is not set`);
    }
    inputs.push(slot);
    const side = await inputSide(instance, plan, own, (tag, events, committed) => wiring.ingest(slot, tag, events, committed));
    const ctx: InputContext = {
      ...pluginContext(instance, plan, own),
      tag: inputTag(instance),
      emit: side.emit,
      ...(side.direct ? { encoded: wiring.encoded(slot) } : {}),
      done: () => wiring.done(instance.displayName),
    };
    slot.runtime = side.wrap(await instance.definition!.create!(instance.options, ctx));
    if (slot.memLimit <= 0 && slot.storageType === 'memory' && slot.runtime.pausesWithoutLoss === true) slot.readAhead = READ_AHEAD_BYTES;
  }
}

/** An instance's own logger (at its Log_Level, else the service's) and counters. */
function ownParts(parts: InstanceParts, instance: PlanInstance): ContextParts {
  const level = normalizeLevel(instance.options.log_level, normalizeLevel(parts.plan.service.log_level));
  return { log: parts.log.child(instance.displayName, level), counters: new Counters(), host: parts.host };
}
