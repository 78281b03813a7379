import { routeOptions } from '../record/route-options.js';
import { matchTag } from '../record/tag-pattern.js';
import type { PlanInstance } from '../config/plan/types.js';
import type { CompiledRegex } from '../parsers/regex.js';

/** Fluent Bit's routing rule of one filter or output: Match_Regex first, Match as fallback. */
export class RouteRule {
  private readonly match: string | undefined;
  private readonly regex: CompiledRegex | undefined;

  constructor(instance: PlanInstance, implicitAll = false) {
    const { match, regex } = routeOptions(instance);
    this.match = match ?? (implicitAll ? '*' : undefined);
    this.regex = regex;
  }

  /** True when the tag is routed here. Match_Regex is anchored at the start only (`onig_match`). */
  matches(tag: string): boolean {
    if (this.regex) {
      const re = this.regex.regexp;
      re.lastIndex = 0;
      const m = re.exec(tag);
      if (m && m.index === 0) return true;
    }
    return this.match !== undefined && matchTag(this.match, tag);
  }
}

/**
 * The routes of inputs (4.2 `routes`), by input instance id: the outputs of each conditional route,
 * by route name (the tag its records carry), and the outputs of routes without condition, which
 * get the input's records under their own tag when their Match covers it.
 */
export type DirectRoutes<O> = ReadonlyMap<string, { readonly byName: ReadonlyMap<string, readonly O[]>; readonly unconditional: ReadonlySet<O> }>;

/** The DirectRoutes of a plan's inputs, with the engine's value for each output instance. */
export function directRoutes<O>(inputs: readonly PlanInstance<'input'>[], outputOf: (id: string) => O | undefined): DirectRoutes<O> {
  const byInput = new Map<string, { byName: Map<string, O[]>; unconditional: Set<O> }>();
  for (const input of inputs) {
    if (!input.routes) continue;
    const outputs = (ids: readonly string[]) => ids.flatMap((id) => outputOf(id) ?? []);
    byInput.set(input.id, {
      byName: new Map(input.routes.filter((r) => r.condition).map((r) => [r.name, outputs(r.outputs)])),
      unconditional: new Set(input.routes.filter((r) => !r.condition).flatMap((r) => outputs(r.outputs))),
    });
  }
  return byInput;
}

/** For each tag, the filters (in configuration order) and outputs it goes to; cached per tag. */
export class Router<F, O> {
  private readonly cache = new Map<string, { filters: F[]; outputs: O[] }>();

  constructor(
    private readonly filters: readonly { rule: RouteRule; value: F }[],
    private readonly outputs: readonly { rule: RouteRule; value: O }[],
    private readonly maxCached = 10_000,
    private readonly direct: DirectRoutes<O> = new Map(),
  ) {}

  /** `source`: the input instance id of the records, for its conditional routes. */
  route(tag: string, source?: string): { filters: F[]; outputs: O[] } {
    const routes = source === undefined ? undefined : this.direct.get(source);
    if (routes) {
      const byTag = this.route(tag);
      const named = routes.byName.get(tag);
      return { filters: byTag.filters, outputs: named ? [...named] : byTag.outputs.filter((o) => routes.unconditional.has(o)) };
    }
    let hit = this.cache.get(tag);
    if (!hit) {
      hit = {
        filters: this.filters.filter((f) => f.rule.matches(tag)).map((f) => f.value),
        outputs: this.outputs.filter((o) => o.rule.matches(tag)).map((o) => o.value),
      };
      if (this.cache.size >= this.maxCached) this.cache.clear();
      this.cache.set(tag, hit);
    }
    return hit;
  }
}
