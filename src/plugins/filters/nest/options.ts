import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';

export type NestOperation = 'nest' | 'lift';

/**
 * Fluent Bit compares only the first four characters, case-sensitively (`strncmp(value, "nest", 4)`):
 * `Nest` is rejected, `nesting` is read as nest.
 */
export function parseNestOperation(text: string): ParseOutcome<NestOperation> {
  for (const op of ['nest', 'lift'] as const) {
    if (text.startsWith(op)) {
      return text === op
        ? { ok: true, value: op }
        : { ok: true, value: op, warning: `Fluent Bit reads '${text}' as '${op}' (it compares only the first 4 characters)` };
    }
  }
  const lower = text.toLowerCase();
  const hint = lower.startsWith('nest') || lower.startsWith('lift') ? `Fluent Bit compares it case-sensitively: write ${lower.slice(0, 4)}` : 'write nest or lift';
  return { ok: false, message: `'${text}' is not nest or lift`, hint };
}

/** A `Wildcard` pattern: exact key, or a prefix when it ends with `*`. */
export interface NestWildcard {
  readonly source: string;
  readonly key: string;
  readonly prefix: boolean;
}

export function parseWildcard(text: string): ParseOutcome<NestWildcard> {
  const prefix = text.endsWith('*');
  return { ok: true, value: { source: text, key: prefix ? text.slice(0, -1) : text, prefix } };
}

/** The options of `nest` (its own keys; defineFilter merges the common ones). */
export const NEST_OPTIONS = {
  operation: opt.custom('enum', { required: true, values: ['nest', 'lift'], doc: 'nest (move keys into a map) or lift (move a map\'s keys up)' }, parseNestOperation),
  wildcard: opt.custom('wildcard', { multiple: true, doc: 'nest: keys to move (exact name, or a prefix ending in *)' }, parseWildcard),
  nest_under: opt.string({ doc: 'nest: key of the new map' }),
  nested_under: opt.string({ doc: 'lift: key of the map whose entries are lifted' }),
  add_prefix: opt.string({ doc: 'Prefix added to the affected keys' }),
  remove_prefix: opt.string({ doc: 'Prefix removed from the affected keys that start with it' }),
} as const;

/** The typed options the `nest` runtime receives (common keys included). */
export type NestOptions = OptionsOfTable<'filter', typeof NEST_OPTIONS>;

/** Cross-key rules of `nest` (the definition's `check`). */
export function checkNest(options: NestOptions, ctx: CheckContext): void {
  // A missing Operation is reported by the plan builder (required key).
  const operation = options.operation as NestOperation | undefined;
  if (operation !== undefined) {
    if (operation === 'nest' && options.wildcard.length === 0) {
      ctx.report('missing-required', 'Operation nest needs at least one Wildcard (the keys to move)', { key: 'operation' });
    }
    checkNestKey(operation, options.nest_under, options.nested_under, ctx);
  }
  if (options.add_prefix !== undefined && options.remove_prefix !== undefined) {
    ctx.report('conflicting-keys', 'Add_prefix and Remove_prefix cannot be used together', { key: 'remove_prefix' });
  }
}


/**
 * Fluent Bit keeps one map key for both Nest_under and Nested_under (the last one written wins), so
 * the "wrong" one still works: that is a warning, and only a missing key is an error.
 */
function checkNestKey(operation: NestOperation, nestUnder: string | undefined, nestedUnder: string | undefined, ctx: CheckContext): void {
  const [otherKey, ownName, otherName] =
    operation === 'nest' ? (['nested_under', 'Nest_under', 'Nested_under'] as const) : (['nest_under', 'Nested_under', 'Nest_under'] as const);
  const ownValue = operation === 'nest' ? nestUnder : nestedUnder;
  const otherValue = operation === 'nest' ? nestedUnder : nestUnder;
  if (ownValue === undefined) {
    if (otherValue !== undefined) {
      ctx.report('conflicting-keys', `Operation ${operation} reads ${ownName}; Fluent Bit happens to use ${otherName} here`, {
        key: otherKey,
        severity: 'warning',
        hint: `rename ${otherName} to ${ownName}`,
      });
    } else {
      ctx.report('missing-required', `Operation ${operation} needs ${ownName}`, { key: 'operation' });
    }
  } else if (otherValue !== undefined) {
    ctx.report('conflicting-keys', `${ownName} and ${otherName} are both set; Fluent Bit uses whichever comes last for Operation ${operation}`, {
      key: otherKey,
      severity: 'warning',
      hint: `remove ${otherName}`,
    });
  }
}
