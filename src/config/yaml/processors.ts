import { isMap, type Node } from 'yaml';
import type { Section } from '../document/model.js';
import { eachMap, keyOf, readEntries, rejectAlias, shapeOf, type KeyText, type MapRules, type ReadContext } from './entries.js';

/** The signal lists Fluent Bit's YAML reader accepts under `processors` (case-insensitive). */
export const PROCESSOR_SIGNALS = ['logs', 'metrics', 'traces'] as const;

/**
 * `processors: {logs: [...], metrics: [...], traces: [...]}` under an input or output. Each item is
 * one processor (a filter plugin or a native processor), read as a child section of kind `filter`
 * whose header names the signal (`processors.logs`). Fluent Bit passes processor keys as written
 * (no key translation) and allows nested values, which the plan builder judges per plugin.
 */
export function readProcessors(value: unknown, key: KeyText, ctx: ReadContext): Section[] {
  if (rejectAlias(value, ctx)) return [];
  if (!isMap(value)) {
    ctx.report({ code: 'invalid-value', message: `'processors' must be a map of logs, metrics and traces lists, not ${shapeOf(value)}`, span: ctx.spans.node(value as Node, key.span) });
    return [];
  }
  const sections: Section[] = [];
  for (const pair of value.items) {
    const signal = keyOf(pair, ctx, false);
    if (!signal) continue;
    const name = signal.written.toLowerCase();
    if (!(PROCESSOR_SIGNALS as readonly string[]).includes(name)) {
      ctx.report({
        code: 'unknown-key',
        message: `unknown processor type '${signal.written}'; Fluent Bit accepts ${PROCESSOR_SIGNALS.join(', ')}`,
        span: signal.span,
      });
      continue;
    }
    const where = `processors.${name}`;
    // A `condition` map is kept as a nested entry for the plan (plan/condition.ts); a plain value
    // stays a plugin key (modify's Condition).
    const rules: MapRules = { where, lists: true, translate: false, nested: true };
    eachMap(pair.value as Node | null, signal.span, where, ctx, (map) => {
      sections.push({ kind: 'filter', header: where, format: 'yaml', span: ctx.spans.node(map, signal.span), entries: readEntries(map, ctx, rules) });
    });
  }
  return sections;
}
