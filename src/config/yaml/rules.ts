import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Span } from '../../diagnostics/diagnostic.js';
import type { Entry } from '../document/model.js';
import { keyOf, rejectAlias, shapeOf, type KeyText, type ReadContext } from './entries.js';
import { scalarText } from './source.js';

const PARTS = ['state', 'regex', 'next_state'] as const;

/**
 * A multiline parser's `rules:` list (`flb_parser.c` `multiline_load_regex_rules`): each item is a
 * map with `state`, `regex` and `next_state`, all three required. Each rule becomes a `rule` entry
 * whose value is the classic `rule` text, so the [MULTILINE_PARSER] table reads both formats alike;
 * the entry spans the rule's map and its value span is the regex (where regex errors belong).
 */
export function readMultilineRules(value: unknown, key: KeyText, ctx: ReadContext): Entry[] {
  if (rejectAlias(value, ctx)) return [];
  if (!isSeq(value)) {
    ctx.report({ code: 'invalid-rule', message: `'rules' must be a list of {state, regex, next_state} maps, not ${shapeOf(value)}`, span: ctx.spans.node(value as Node, key.span) });
    return [];
  }
  const entries: Entry[] = [];
  for (const item of value.items) {
    if (rejectAlias(item, ctx)) continue;
    const span = ctx.spans.node(item as Node, key.span);
    if (!isMap(item)) {
      ctx.report({ code: 'invalid-rule', message: `a rule must be a map of state, regex and next_state, not ${shapeOf(item)}`, span });
      continue;
    }
    const found = new Map<string, { text: string; span: Span }>();
    for (const pair of item.items) {
      const k = keyOf(pair, ctx, true);
      if (!k) continue;
      const part = PARTS.find((p) => p === k.key.toLowerCase());
      if (!part) {
        ctx.report({ code: 'unknown-key', severity: 'warning', message: `unknown key '${k.written}' in a multiline rule; Fluent Bit ignores it`, span: k.span, hint: 'a rule has state, regex and next_state' });
        continue;
      }
      if (rejectAlias(pair.value, ctx)) continue;
      if (!isScalar(pair.value)) {
        ctx.report({ code: 'invalid-rule', message: `'${k.written}' of a rule must be a value, not ${shapeOf(pair.value)}`, span: ctx.spans.node(pair.value as Node, k.span) });
        continue;
      }
      const text = scalarText(pair.value, ctx.spans, ctx.source, true, k.span);
      if (!found.has(part)) found.set(part, text);
    }
    const entry = ruleEntry(found, span, ctx);
    if (entry) entries.push({ ...entry, writtenKey: key.written });
  }
  return entries;
}

function ruleEntry(found: Map<string, { text: string; span: Span }>, span: Span, ctx: ReadContext): Omit<Entry, 'writtenKey'> | undefined {
  const missing = PARTS.filter((p) => !found.has(p) || found.get(p)!.text === '');
  if (missing.length > 0) {
    ctx.report({
      code: 'invalid-rule',
      message: `the rule has no ${missing.join(', ')}; Fluent Bit stops with "invalid '${missing[0]}' key"`,
      span,
      hint: 'write each rule as {state: start_state, regex: "/^\\d{4}-/", next_state: cont}',
    });
    return undefined;
  }
  const tokens: string[] = [];
  for (const part of PARTS) {
    const { text, span: at } = found.get(part)!;
    const token = ruleToken(text);
    if (token === undefined) {
      ctx.report({ code: 'invalid-rule', message: `'${text}' cannot be a ${part}: it has a space and ends with a backslash`, span: at });
      return undefined;
    }
    tokens.push(token);
  }
  const regex = found.get('regex')!.span;
  return { key: 'rule', value: tokens.join(' '), span, keySpan: span, valueSpan: regex };
}

/**
 * One token of a classic `rule` value that `flb_slist_split_tokens` reads back as `text`: bare when
 * it has no space and does not start with a quote; else quoted with `"` written `\"`. A quoted token
 * cannot end with a backslash (the closing quote would read as escaped): undefined then.
 */
export function ruleToken(text: string): string | undefined {
  if (text.length > 0 && !text.includes(' ') && !text.startsWith('"')) return text;
  if (text.endsWith('\\')) return undefined;
  return `"${text.replace(/"/g, '\\"')}"`;
}
