import type { Diagnostic, Span } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import type { CheckContext } from '../../options/define.js';
import { checkContextAt } from '../plan/interpret.js';
import type { CompiledRegex } from '../../parsers/regex.js';
import type { RewriteTagRule } from '../../plugins/filters/rewrite_tag/options.js';
import type { Plan, PlanInstance } from '../plan/types.js';
import { routeOptions } from '../../record/route-options.js';
import { composeTailTag, globToTagPattern, intersects } from '../../record/tag-pattern.js';


/** The tags one input can produce, as wildcard patterns. */
export interface TagSource {
  readonly instance: PlanInstance;
  readonly patterns: readonly string[];
}

/**
 * Inputs whose records carry the tag their sender chose (the forward protocol's tag, an HTTP path,
 * a tcp record's tag_key...): their Tag is only a default, so no Match is known to miss them.
 */
const SENDER_TAGGED = new Set(['forward', 'http', 'opentelemetry', 'splunk', 'elasticsearch']);

export function takesSenderTag(input: PlanInstance<'input'>): boolean {
  if (SENDER_TAGGED.has(input.plugin)) return true;
  // tcp takes a record's tag_key as its tag; while logferry does not read tcp's keys, assume it does.
  return input.plugin === 'tcp' && (!input.supported || typeof input.options['tag_key'] === 'string');
}

/** Tags an input emits: its Tag (default: the instance name), expanded for tail's dynamic tags; with routes, the route names. */
export function inputTagPatterns(input: PlanInstance<'input'>): string[] {
  if (input.routes) {
    // Conditional routes tag their records with the route name; routes without condition keep the input's tag.
    const named = input.routes.filter((r) => r.condition).map((r) => r.name);
    return input.routes.some((r) => !r.condition) ? [...named, ...inputTagPatterns({ ...input, routes: undefined } as PlanInstance<'input'>)] : named;
  }
  if (takesSenderTag(input)) return ['*'];
  const tag = typeof input.options.tag === 'string' && input.options.tag.length > 0 ? input.options.tag : input.id;
  if (input.plugin === 'tail') {
    const tagRegex = input.options['tag_regex'];
    if (tagRegex !== undefined) return [tag.replace(/<[^>]*>/g, '*').replace(/\*+/g, '*')];
    if (!tag.includes('*')) return [tag];
    const paths = input.options['path'];
    const list = Array.isArray(paths) && paths.length > 0 ? (paths as string[]) : ['*'];
    return list.map((p) => composeTailTag(tag, globToTagPattern(p)));
  }
  // Other plugins that expand `*` (systemd: the unit name) put unknown text there.
  return [tag.replace(/\*+/g, '*')];
}

/** New tags a rewrite_tag filter emits: `$...` references become wildcards. */
function rewriteTagPatterns(filter: PlanInstance<'filter'>): string[] {
  const rules = filter.options['rule'];
  if (!Array.isArray(rules)) return [];
  const out: string[] = [];
  for (const rule of rules as readonly RewriteTagRule[]) {
    out.push(rule.tag.replace(/\$\{[^}]*\}|\$TAG(\[\d+\])?|\$\d|\$[A-Za-z_][\w]*(\[[^\]]*\])*/g, '*').replace(/\*+/g, '*'));
  }
  return out;
}

interface Route {
  readonly match: string | undefined;
  readonly regex: CompiledRegex | undefined;
  /** Identity of the rule (many sections share one Match): the cache key. */
  readonly key: string;
}

function makeRoute(match: string | undefined, regex: CompiledRegex | undefined): Route {
  return { match, regex, key: `${match ?? ''}\u0000${regex?.source ?? ''}` };
}

/** Distinct routes of some instances. */
function distinct(routes: readonly (Route | undefined)[]): Route[] {
  const byKey = new Map<string, Route>();
  for (const r of routes) if (r && !byKey.has(r.key)) byKey.set(r.key, r);
  return [...byKey.values()];
}

function routeOf(instance: PlanInstance): Route {
  const { match, regex } = routeOptions(instance);
  return makeRoute(match, regex);
}

/** Whether a route can see some tag of the pattern. Regexes are only decided on literal tags. */
function routeSees(route: Route, pattern: string, cache: Map<string, Map<string, boolean>>): boolean {
  let byPattern = cache.get(route.key);
  if (!byPattern) {
    byPattern = new Map();
    cache.set(route.key, byPattern);
  }
  let hit = byPattern.get(pattern);
  if (hit === undefined) {
    hit = computeRouteSees(route, pattern);
    byPattern.set(pattern, hit);
  }
  return hit;
}

function computeRouteSees(route: Route, pattern: string): boolean {
  if (route.regex) {
    if (pattern.includes('*')) return true;
    const m = route.regex.regexp.exec(pattern);
    route.regex.regexp.lastIndex = 0;
    if (m && m.index === 0) return true;
  }
  return route.match !== undefined && intersects(route.match, pattern);
}

function matchSpan(instance: PlanInstance): Span {
  const e = [...instance.entries].reverse().find((x) => x.key === 'match' || x.key === 'match_regex');
  return e?.span ?? instance.span;
}

/** A CheckContext for a plan instance: reports at the last entry of a key (entries hold canonical keys), or at the section header. */
function instanceCheckContext(inst: PlanInstance, out: Diagnostic[]): CheckContext {
  const spanOf = (key: string) => [...inst.entries].reverse().find((e) => e.key === key)?.span;
  return checkContextAt(inst.span, spanOf, inst.setKeys, (d) => out.push(d));
}

/**
 * Static routing analysis: inputs no output receives, filters and outputs whose Match no input
 * can produce, and filters/outputs without any match rule.
 */
export function analyzeRouting(plan: Plan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cache = new Map<string, Map<string, boolean>>();
  const inputs = plan.inputs.filter((i) => i.options.routable !== false);
  const sources: TagSource[] = inputs.map((i) => ({ instance: i, patterns: inputTagPatterns(i) }));

  // The single-input, single-output shortcut: an output without Match gets everything.
  const implicitAll = plan.inputs.length === 1 && plan.outputs.length === 1;
  const routes = new Map<PlanInstance, Route>();
  // Outputs a conditional route names get records whatever their Match.
  const routeTargets = new Set(plan.inputs.flatMap((i) => i.routes?.flatMap((r) => (r.condition ? r.outputs : [])) ?? []));
  for (const inst of [...plan.filters, ...plan.outputs]) {
    const route = routeOf(inst);
    if (routeTargets.has(inst.id) && inst.kind === 'output') continue;
    if (!route.match && !route.regex) {
      if (inst.kind === 'output' && implicitAll) {
        routes.set(inst, makeRoute('*', undefined));
        continue;
      }
      out.push(
        makeDiagnostic({
          code: 'no-match',
          message: `${inst.kind} '${inst.displayName}' has no Match or Match_Regex; Fluent Bit ${inst.kind === 'output' ? 'sends it nothing' : 'never applies it'}`,
          span: inst.span,
          hint: "add 'Match *' to receive every record, or a tag pattern",
        }),
      );
      continue;
    }
    routes.set(inst, route);
  }

  // rewrite_tag filters re-emit records with new tags; those tags are sources too.
  const emitted: string[] = [];
  for (const f of plan.filters) {
    if (f.plugin !== 'rewrite_tag') continue;
    const route = routes.get(f);
    if (!route || !sources.some((s) => s.patterns.some((p) => routeSees(route, p, cache)))) continue;
    emitted.push(...rewriteTagPatterns(f));
  }
  const allPatterns = [...sources.flatMap((s) => s.patterns), ...emitted];

  if (plan.outputs.length === 0 && plan.inputs.length > 0) {
    out.push(
      makeDiagnostic({
        code: 'no-output',
        message: 'the configuration has no [OUTPUT]; every record is dropped',
        file: plan.main,
        hint: "add an [OUTPUT] section, e.g. 'Name stdout' with 'Match *'",
      }),
    );
  }

  // Records leave an input through an output, or through a rewrite_tag filter under a new tag.
  const exits = distinct([...plan.outputs, ...plan.filters.filter((f) => f.plugin === 'rewrite_tag')].map((i) => routes.get(i)));
  for (const source of sources) {
    const input = source.instance as PlanInstance<'input'>;
    // An input with routes reaches the outputs they name, and only those.
    const routed = input.routes ? input.routes.some((r) => r.outputs.length > 0) : exits.some((r) => source.patterns.some((p) => routeSees(r, p, cache)));
    if (!routed && plan.outputs.length > 0) {
      out.push(
        makeDiagnostic({
          code: 'unrouted-input',
          message: `no output matches the records of input '${input.displayName}' (tag ${source.patterns.map((p) => `'${p}'`).join(', ')}); they are dropped`,
          span: input.span,
          hint: "add an [OUTPUT] whose Match covers this tag, or change the input's Tag",
        }),
      );
    }
  }

  // Output rules that depend on which inputs reach the output (records re-emitted by rewrite_tag
  // come from its emitter, not from an input, so they are not counted).
  for (const inst of plan.outputs) {
    const route = routes.get(inst);
    if (!route || !inst.definition?.checkRoutes) continue;
    const reaching = sources.filter((s) => s.patterns.some((p) => routeSees(route, p, cache))).map((s) => s.instance as PlanInstance<'input'>);
    inst.definition.checkRoutes(inst.options as never, reaching, instanceCheckContext(inst, out));
  }

  if (plan.inputs.length === 0) return out;
  const patterns = [...new Set(allPatterns)];
  const seesAny = new Map<string, boolean>();
  for (const inst of [...plan.filters, ...plan.outputs]) {
    const route = routes.get(inst);
    if (!route) continue;
    let any = seesAny.get(route.key);
    if (any === undefined) {
      any = patterns.some((p) => routeSees(route, p, cache));
      seesAny.set(route.key, any);
    }
    if (any) continue;
    const written = route.match !== undefined ? `Match '${route.match}'` : `Match_Regex '${route.regex?.source}'`;
    out.push(
      makeDiagnostic({
        code: 'unmatched-route',
        message: `${written} of ${inst.kind} '${inst.displayName}' matches no tag an input produces`,
        span: matchSpan(inst),
        hint: `input tags: ${patterns.map((p) => `'${p}'`).join(', ') || 'none'}; '*' matches any text, dots included`,
      }),
    );
  }
  return out;
}
