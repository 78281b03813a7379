import { Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { DiagnosticInit, Span } from '../../diagnostics/diagnostic.js';
import type { Entry } from '../document/model.js';
import { translateKey } from './keys.js';
import { scalarText, type SpanMaker } from './source.js';

/** What a YAML map is read with: the file, its text, and where problems go. */
export interface ReadContext {
  readonly spans: SpanMaker;
  readonly source: string;
  readonly report: (d: DiagnosticInit) => void;
  /** Span of the whole file, for nodes without a range. */
  readonly fileSpan: Span;
}

/** How the keys of one map become entries. */
export interface MapRules {
  /** Where the map is, for messages (`pipeline.inputs`, `service`, `parsers`). */
  readonly where: string;
  /** A list value is the key repeated (plugin sections); elsewhere a list is an error. */
  readonly lists: boolean;
  /** Apply `flb_cf_key_translate` (every section except processors, whose keys Fluent Bit passes as written). */
  readonly translate: boolean;
  /** Keep nested maps (and lists of maps) as `nested` entries for the plan to judge (processors). */
  readonly nested: boolean;
  /**
   * Keys whose value the caller reads itself (`processors`, multiline `rules`), matched exactly as
   * written (Fluent Bit compares them with strcmp); returns the entries to keep in their place.
   */
  readonly special?: Readonly<Record<string, (pair: Pair<unknown, unknown>, key: KeyText) => Entry[]>>;
}

export interface KeyText {
  /** As written (trimmed). */
  readonly written: string;
  /** As Fluent Bit sees it. */
  readonly key: string;
  readonly span: Span;
}

/** The key of a pair as text, or undefined (reported) when it is not a plain scalar. */
export function keyOf(pair: Pair<unknown, unknown>, ctx: ReadContext, translate: boolean): KeyText | undefined {
  const node = pair.key as Node | null;
  if (!isScalar(node)) {
    ctx.report({ code: 'syntax-error', message: 'a key must be a plain value, not a list or a map', span: ctx.spans.node(node, ctx.fileSpan) });
    return undefined;
  }
  const text = scalarText(node, ctx.spans, ctx.source, true, ctx.fileSpan);
  return { written: text.text, key: translate ? translateKey(text.text) : text.text, span: text.span };
}

/** Reports an alias (`*name`): Fluent Bit's libyaml event reader stops on one. Returns true if `node` is one. */
export function rejectAlias(node: unknown, ctx: ReadContext): boolean {
  if (!isAlias(node)) return false;
  ctx.report({
    code: 'syntax-error',
    message: `YAML alias '*${node.source}' is not supported: Fluent Bit's reader stops at aliases`,
    span: ctx.spans.node(node, ctx.fileSpan),
    hint: 'repeat the value instead of referring to an anchor',
  });
  return true;
}

/** A short name for a YAML node's shape, for messages. */
export function shapeOf(node: unknown): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  return 'a value';
}

/**
 * Reads the key/value pairs of one map as section entries, in file order. Scalars become entries
 * with their text (no YAML typing); a list of scalars becomes one entry per item when `lists` is
 * allowed; anything else is reported where it stands.
 */
export function readEntries(map: YAMLMap<unknown, unknown>, ctx: ReadContext, rules: MapRules): Entry[] {
  const entries: Entry[] = [];
  for (const pair of map.items) {
    const key = keyOf(pair, ctx, rules.translate);
    if (!key) continue;
    const special = rules.special?.[key.written];
    if (special) {
      entries.push(...special(pair, key));
      continue;
    }
    entries.push(...valueEntries(pair.value, key, ctx, rules));
  }
  return entries;
}

export function valueEntries(value: unknown, key: KeyText, ctx: ReadContext, rules: MapRules): Entry[] {
  const base = (valueSpan: Span) => ({
    key: key.key,
    span: spanBetween(key.span, valueSpan),
    keySpan: key.span,
    valueSpan,
    ...(key.written !== key.key ? { writtenKey: key.written } : {}),
  });
  if (value === null || value === undefined) {
    return [{ ...base(key.span), value: '' }];
  }
  if (rejectAlias(value, ctx)) return [];
  if (isScalar(value)) {
    const text = scalarText(value, ctx.spans, ctx.source, true, ctx.fileSpan);
    return [{ ...base(text.span), value: text.text }];
  }
  const node = value as Node;
  const span = ctx.spans.node(node, ctx.fileSpan);
  if (isSeq(value)) {
    if (!rules.lists) {
      ctx.report({
        code: 'invalid-value',
        message: `'${key.written}' in ${rules.where} takes one value, not a list`,
        span,
        hint: `Fluent Bit accepts lists only in pipeline sections; write one value`,
      });
      return [];
    }
    if (value.items.some((item) => !isScalar(item))) {
      if (rules.nested) return [{ ...base(span), value: sourceOf(node), nested: true }];
      const bad = value.items.find((item) => !isScalar(item));
      if (rejectAlias(bad, ctx)) return [];
      ctx.report({
        code: 'invalid-value',
        message: `the items of '${key.written}' in ${rules.where} must be values, not ${shapeOf(bad).slice(2)}s`,
        span: ctx.spans.node(bad as Node, span),
      });
      return [];
    }
    // A list is the key repeated; each item's text is taken as written (lists are not trimmed).
    // Each item's entry spans the item alone, so that items of one list stay apart.
    return value.items.map((item) => {
      const text = scalarText(item as never, ctx.spans, ctx.source, false, span);
      return { ...base(text.span), span: text.span, value: text.text, listSpan: span };
    });
  }
  if (rules.nested && isMap(value)) return [{ ...base(span), value: sourceOf(node), nested: true }];
  ctx.report({
    code: 'invalid-value',
    message: `'${key.written}' in ${rules.where} must be a value, not ${shapeOf(value)}`,
    span,
    hint: 'Fluent Bit only accepts nested maps for processors; write the value on the key\'s line',
  });
  return [];
}

/** Calls `each` for every map of a list; reports items that are not maps. */
export function eachMap(value: Node | null, at: Span, where: string, ctx: ReadContext, each: (map: YAMLMap<unknown, unknown>) => void): void {
  if (isEmpty(value)) return;
  if (!isSeq(value)) {
    ctx.report({ code: 'invalid-value', message: `'${where}' must be a list of maps, not ${shapeOf(value)}`, span: ctx.spans.node(value, at), hint: `write each item on its own line starting with '- '` });
    return;
  }
  for (const item of value.items) {
    if (rejectAlias(item, ctx)) continue;
    if (isMap(item)) each(item);
    else ctx.report({ code: 'invalid-value', message: `each item of '${where}' must be a map of keys and values, not ${shapeOf(item)}`, span: ctx.spans.node(item as Node, at) });
  }
}

export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (isScalar(value) && value.source === '' && value.type === 'PLAIN');
}

/** A nested value as a standalone YAML text (the source lines are indented as in the file, which would not parse alone). */
function sourceOf(node: Node): string {
  return new Document(node, { schema: 'failsafe' }).toString({ lineWidth: 0 }).trimEnd();
}

/** From the start of `a` to the end of `b`. */
export function spanBetween(a: Span, b: Span): Span {
  return b.end.offset >= a.start.offset ? { file: a.file, start: a.start, end: b.end } : a;
}
