/**
 * Conditional routes of an input (Fluent Bit 4.2, `src/flb_router_config.c`): `routes: {logs: [{name,
 * condition, to: {outputs: [...]}}]}`. Read from the nested YAML the reader keeps; the output names
 * are resolved once every output is built (by alias, instance name or plugin name, the first output
 * that has it, as find_output_instance does).
 */
import type { Diagnostic, DiagnosticInit, Span } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import type { Entry } from '../document/model.js';
import { isRecord, parseCondition, plainYaml, type Condition } from './condition.js';
import type { PlanInstance, PlanRoute } from './types.js';

/** A route as written: its outputs not yet resolved. */
export interface WrittenRoute {
  readonly name: string;
  readonly condition: Condition | undefined;
  readonly outputs: readonly string[];
  readonly span: Span;
}

const SIGNALS = ['logs', 'metrics', 'traces', 'profiles', 'any'];

/** The logs routes of a `routes` entry (metrics and traces routes carry nothing logferry reads). */
export function readRoutes(entry: Entry, report: (d: DiagnosticInit) => void): WrittenRoute[] {
  const span = entry.valueSpan;
  const fail = (message: string, hint?: string): WrittenRoute[] => {
    report({ code: 'invalid-value', message: `routes: ${message}`, span, hint });
    return [];
  };
  const value = entry.nested ? plainYaml(entry.value) : undefined;
  if (!isRecord(value)) return fail('must be a map of signal lists (logs: [...])');
  const routes: WrittenRoute[] = [];
  for (const [key, list] of Object.entries(value)) {
    const signals = key.toLowerCase().split(/[,|\s]+/).filter((s) => s.length > 0);
    const unknown = signals.find((s) => !SIGNALS.includes(s));
    if (signals.length === 0 || unknown !== undefined) return fail(`unknown signal '${unknown ?? key}'`, `use ${SIGNALS.join(', ')}`);
    const items = Array.isArray(list) ? list : [list];
    if (items.length === 0) return fail(`the '${key}' list is empty`);
    const logs = signals.includes('logs') || signals.includes('any');
    for (const item of items) {
      if (!logs) {
        const name = isRecord(item) ? String(item['name']) : '?';
        report({ code: 'unsupported-key', severity: 'info', message: `route '${name}' is for ${key}; logferry handles logs only and ignores it`, span });
        continue;
      }
      const route = readRoute(item, span, report, routes);
      if (!route) return [];
      routes.push(route);
    }
  }
  return routes;
}

function readRoute(item: unknown, span: Span, report: (d: DiagnosticInit) => void, earlier: readonly WrittenRoute[]): WrittenRoute | undefined {
  const fail = (message: string): undefined => {
    report({ code: 'invalid-value', message: `routes: ${message}`, span });
    return undefined;
  };
  if (!isRecord(item)) return fail('each route must be a map with name, condition and to');
  const name = item['name'];
  if (typeof name !== 'string' || name.length === 0) return fail("a route needs a 'name'");
  if (earlier.some((r) => r.name === name)) return fail(`route name '${name}' is used twice in this input`);
  let condition: Condition | undefined;
  if (item['condition'] !== undefined) {
    condition = parseCondition(item['condition'], 'route', span, (d) => report({ ...d, message: `route '${name}': ${d.message}` }));
    if (!condition) return undefined;
  }
  if (item['processors'] !== undefined) {
    report({ code: 'unsupported-key', message: `route '${name}': per-route processors are not supported by logferry; they are not run`, span });
  }
  const to = item['to'];
  if (to === undefined) return fail(`route '${name}' needs 'to: {outputs: [...]}'`);
  const list = isRecord(to) ? to['outputs'] : to;
  const outputs = (Array.isArray(list) ? list : list === undefined ? [] : [list]).map((o) => (isRecord(o) ? o['name'] : o));
  if (outputs.length === 0 || outputs.some((o) => typeof o !== 'string' || o.length === 0)) return fail(`route '${name}' needs a non-empty list of output names under 'to: outputs'`);
  return { name, condition, outputs: outputs as string[], span };
}

/**
 * Resolves each route's outputs to output instances (a name no output has is an error) and sets
 * `routes` on the inputs that have some. As Fluent Bit connects an output to an input once, an
 * output a previous route of the same input already takes is not connected again (a warning).
 */
export function resolveRoutes(
  inputs: readonly PlanInstance<'input'>[],
  written: ReadonlyMap<string, readonly WrittenRoute[]>,
  outputs: readonly PlanInstance<'output'>[],
  report: (d: Diagnostic) => void,
): PlanInstance<'input'>[] {
  return inputs.map((input) => {
    const routes = written.get(input.id);
    if (!routes || routes.length === 0) return input;
    const connected = new Set<PlanInstance<'output'>>();
    const planned: PlanRoute[] = routes.map((route) => {
      const names: string[] = [];
      for (const name of route.outputs) {
        const output = findOutput(outputs, name);
        if (!output) {
          report(
            makeDiagnostic({
              code: 'unknown-output',
              message: `route '${route.name}' of input '${input.displayName}' goes to output '${name}', which the configuration does not have`,
              span: route.span,
              hint: `outputs: ${outputs.map((o) => `'${o.displayName}'`).join(', ') || 'none'} (an alias, an instance name such as stdout.0, or a plugin name)`,
            }),
          );
          continue;
        }
        if (connected.has(output)) {
          report(
            makeDiagnostic({
              code: 'unmatched-route',
              severity: 'warning',
              message: `route '${route.name}' of input '${input.displayName}': output '${name}' is already connected by an earlier route of this input; Fluent Bit sends it only that route's records`,
              span: route.span,
            }),
          );
          continue;
        }
        connected.add(output);
        names.push(output.id);
      }
      return { name: route.name, condition: route.condition, outputs: names, span: route.span };
    });
    return { ...input, routes: planned };
  });
}

/** find_output_instance: alias, then instance name, then plugin name; the first output that has one. */
function findOutput(outputs: readonly PlanInstance<'output'>[], name: string): PlanInstance<'output'> | undefined {
  for (const o of outputs) {
    if (o.displayName !== o.id && o.displayName === name) return o;
    if (o.id === name) return o;
    if (o.plugin === name) return o;
  }
  return undefined;
}
