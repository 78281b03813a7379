/**
 * Routes of an input (Fluent Bit 4.2, src/flb_input_log.c split_and_append_route_payloads): after
 * the input's processors, each conditional route takes the records its condition holds for (a
 * record can take several), a `default: true` route takes those no other conditional route took.
 * A conditional route's records carry the route's name as their tag from then on (pipeline filters
 * matching that name apply) and go only to the route's outputs (the engine's Router, given the
 * input, looks the name up: engine/router.ts `DirectRoutes`). A route without condition takes
 * every record under the input's own tag, for those of its outputs whose Match covers that tag.
 * Records no route takes are dropped, counted with a reason.
 */
import type { PlanRoute } from '../config/plan/types.js';
import { evaluateCondition } from '../config/plan/evaluate-condition.js';
import type { LogEvent } from '../record/event.js';
import type { Logger } from './logger.js';
import type { Counters } from './metrics.js';
import type { InputContext } from './plugin.js';

type Emit = InputContext['emit'];

export const UNROUTED_REASON = "no route's condition holds for the record";

export function routeByConditions(routes: readonly PlanRoute[], ingest: Emit, counters: Counters, log: Logger): Emit {
  const conditional = routes.filter((r) => r.condition !== undefined);
  const unconditional = routes.some((r) => r.condition === undefined);
  return (tag, events, committed) => {
    const payloads = new Map<string, LogEvent[]>(conditional.map((r) => [r.name, []]));
    let unrouted = 0;
    for (const e of events) {
      let taken = false;
      for (const route of conditional) {
        if (route.condition!.isDefault || !evaluateCondition(route.condition!, e.record)) continue;
        payloads.get(route.name)!.push(e);
        taken = true;
      }
      if (taken) continue;
      for (const route of conditional) {
        const c = route.condition!;
        if (!c.isDefault || (c.rules.length > 0 && !evaluateCondition(c, e.record))) continue;
        payloads.get(route.name)!.push(e);
        taken = true;
      }
      if (!taken && !unconditional) unrouted++;
    }
    if (unrouted > 0) {
      if (counters.droppedFor(UNROUTED_REASON) === 0) log.warn(`records dropped: ${UNROUTED_REASON} (counted in metrics; logged once)`);
      counters.drop(UNROUTED_REASON, unrouted);
    }
    // Routes without condition take the whole batch under the input's tag.
    if (unconditional) payloads.set(tag, events);
    const nonEmpty = [...payloads].filter(([, list]) => list.length > 0);
    if (nonEmpty.length === 0) {
      committed?.();
      return;
    }
    // The input's position is safe once every route's records are.
    let left = nonEmpty.length;
    const each = committed ? () => --left === 0 && committed() : undefined;
    for (const [routeTag, list] of nonEmpty) {
      // A record taken by several routes is a copy in each (filters may change them differently).
      const copies = nonEmpty.length > 1 ? list.map((e) => ({ time: e.time, record: structuredClone(e.record) })) : list;
      ingest(routeTag, copies, each);
    }
  };
}
