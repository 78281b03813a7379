import type { Span } from '../../diagnostics/diagnostic.js';
import type { Plan, PlanInstance } from './types.js';

/** A JSON-safe view of a Plan (for snapshots, `--format json` and debugging). */
export function planToJson(plan: Plan): unknown {
  return {
    main: plan.main,
    files: plan.files,
    service: toJson(plan.service),
    inputs: plan.inputs.map(instanceToJson),
    filters: plan.filters.map(instanceToJson),
    outputs: plan.outputs.map(instanceToJson),
    parsers: Object.fromEntries([...plan.parsers].map(([k, p]) => [k, { at: at(p.span), options: toJson(p.options) }])),
    multilineParsers: Object.fromEntries(
      [...plan.multilineParsers].map(([k, p]) => [k, p.builtin ? 'builtin' : { at: p.span ? at(p.span) : undefined, options: toJson(p.options) }]),
    ),
  };
}

function instanceToJson(i: PlanInstance): unknown {
  return {
    id: i.id,
    plugin: i.plugin,
    name: i.displayName,
    supported: i.supported,
    ...(i.signal ? { signal: i.signal } : {}),
    at: at(i.span),
    set: [...i.setKeys].sort(),
    options: toJson(i.options),
    ...(i.processors ? { processors: i.processors.map(instanceToJson) } : {}),
  };
}

function at(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

function toJson(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object') return value;
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // A compiled regex is shown by its source text only.
    if (k === 'regexp' || k === 'groupNames' || k === 'pattern' || k === 'flags') {
      if ('source' in value) continue;
    }
    if (v !== undefined) out[k] = toJson(v);
  }
  return out;
}
