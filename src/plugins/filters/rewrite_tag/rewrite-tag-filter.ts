import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { cloneBounded, stringifyBounded } from '../../../engine/record-depth.js';
import { readAccessor } from '../../../record/accessor.js';
import type { TemplatePart } from '../../../record/template.js';
import { emitterSettings } from '../shared/emitter.js';
import type { RewriteTagOptions, RewriteTagRule } from './options.js';

/** How a record value reads inside a new tag (`ra_translate_keymap`); undefined adds nothing. */
function valueText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isInteger(value) ? String(value) : value.toFixed(6);
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? undefined : stringifyBounded(value);
    default:
      return undefined;
  }
}

/** `$TAG[n]` (`ra_translate_tag_part`): the n-th dot-separated part; a tag without dots is part 0. */
function tagPart(tag: string, index: number): string {
  if (index < 0) return '';
  return tag.split('.')[index] ?? '';
}

/** Builds the new tag from a rule's template (`flb_ra_translate`). */
export function composeTag(parts: readonly TemplatePart[], tag: string, record: LogRecord, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    switch (p.type) {
      case 'text':
        out += p.value;
        break;
      case 'tag':
        out += tag;
        break;
      case 'tag-part':
        out += tagPart(tag, p.index);
        break;
      case 'group':
        out += match[p.index] ?? '';
        break;
      case 'key':
        out += valueText(readAccessor(record, p.accessor)) ?? '';
        break;
    }
  }
  return out;
}

/**
 * Fluent Bit's rewrite_tag (`plugins/filter_rewrite_tag/rewrite_tag.c`): the first rule whose regex
 * matches its key's string value re-emits a copy of the record under the new tag through the
 * emitter input (it runs through routing and filters again); the original stays only with KEEP.
 * A record that this filter's own emitter brings back and that matches again is kept instead of
 * emitted (Fluent Bit's emitter rejects emitting to itself, issue 12189). The engine runs emitted
 * records at once, so they are recognised as those that reach the filter while it emits.
 */
export class RewriteTagFilter implements FilterRuntime {
  private readonly rules: readonly RewriteTagRule[];
  private emitting = false;
  private cycleReported = false;

  private readonly emit: (tag: string, events: LogEvent[]) => void;

  constructor(
    o: RewriteTagOptions,
    private readonly ctx: FilterContext,
  ) {
    this.rules = o.rule;
    this.emit = ctx.emitter(emitterSettings(o));
  }

  filter(tag: string, events: LogEvent[]): LogEvent[] {
    const rules = this.rules;
    if (rules.length === 0) return events;
    let kept: LogEvent[] | undefined;
    let emitted: Map<string, LogEvent[]> | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      let rule: RewriteTagRule | undefined;
      let match: RegExpExecArray | null = null;
      for (let r = 0; r < rules.length; r++) {
        const candidate = rules[r]!;
        const value = readAccessor(e.record, candidate.key);
        if (typeof value !== 'string') continue;
        const re = candidate.regex.regexp;
        re.lastIndex = 0;
        match = re.exec(value);
        if (match !== null) {
          rule = candidate;
          break;
        }
      }
      if (rule === undefined) {
        kept?.push(e);
        continue;
      }
      if (this.emitting) {
        this.reportCycle(tag);
        kept?.push(e);
        continue;
      }
      const newTag = composeTag(rule.tagParts, tag, e.record, match!);
      emitted ??= new Map();
      let list = emitted.get(newTag);
      if (list === undefined) emitted.set(newTag, (list = []));
      if (rule.keep) {
        list.push({ time: e.time, record: cloneBounded(e.record) });
        kept?.push(e);
      } else {
        list.push(e);
        kept ??= events.slice(0, i);
      }
    }
    if (emitted !== undefined) {
      this.ctx.counters.add('emitted', [...emitted.values()].reduce((n, l) => n + l.length, 0));
      this.emitting = true;
      try {
        for (const [newTag, list] of emitted) this.emit(newTag, list);
      } finally {
        this.emitting = false;
      }
    }
    return kept ?? events;
  }

  private reportCycle(tag: string): void {
    this.ctx.counters.add('errors');
    if (this.cycleReported) return;
    this.cycleReported = true;
    this.ctx.log.error(
      `emitter cycle detected: this filter matches the records it emits (tag=${tag}); they are kept instead of emitted again. Adjust Match or the rules`,
    );
  }
}
