import type { LogEvent } from '../../../record/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { accessorMatches } from '../../../record/accessor.js';
import type { GrepOptions, GrepLogicalOp, GrepRule } from './options.js';

interface Rule {
  readonly exclude: boolean;
  readonly rule: GrepRule;
}

/** Fluent Bit's grep (`plugins/filter_grep/grep.c`): rules in file order across Regex and Exclude. */
export class GrepFilter implements FilterRuntime {
  private readonly rules: Rule[] = [];
  private readonly op: GrepLogicalOp;

  constructor(
    o: GrepOptions,
    ctx: FilterContext,
  ) {
    this.op = o.logical_op;
    for (const e of ctx.entries) {
      if (e.key === 'regex' || e.key === 'exclude') this.rules.push({ exclude: e.key === 'exclude', rule: e.value as GrepRule });
    }
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    if (this.rules.length === 0) return events;
    const out: LogEvent[] = [];
    const legacy = this.op === 'legacy';
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (legacy ? this.keepLegacy(e.record) : this.keepAndOr(e.record)) out.push(e);
    }
    return out.length === events.length ? events : out;
  }

  /** Legacy: a Regex that matches keeps at once, one that fails drops; an Exclude that matches drops. */
  private keepLegacy(record: Record<string, unknown>): boolean {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      const matched = accessorMatches(record, r.rule.accessor, r.rule.regex.regexp);
      if (r.exclude) {
        if (matched) return false;
      } else {
        return matched;
      }
    }
    return true;
  }

  /** AND / OR over all rules (all Regex or all Exclude, checked at plan time). */
  private keepAndOr(record: Record<string, unknown>): boolean {
    const rules = this.rules;
    const and = this.op === 'and';
    let found = false;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      found = accessorMatches(record, r.rule.accessor, r.rule.regex.regexp);
      if (and ? !found : found) break;
    }
    // The kind of the last rule looked at decides, as in Fluent Bit.
    return rules[0]!.exclude ? !found : found;
  }
}
