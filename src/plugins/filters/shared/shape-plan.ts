/**
 * Plans per record shape, for filters whose effect on a record depends only on its keys (modify's
 * rules, record_modifier's Remove_key / Allowlist_key / Record): the filter's logic runs once per
 * key sequence, on a record whose values stand for its keys, and every record of that shape is then
 * changed in one pass: new keys added in place when the record keeps its keys in order, otherwise
 * one copy of a template (no per-step copies, and no `delete`, which leaves a record in V8's slow
 * dictionary mode for every later step).
 */
import type { LogRecord } from '../../../record/event.js';
import { setField } from '../../../parsers/runtime/types.js';

/** Stands for the value of an input key while a filter's logic runs on a shape. */
class Source {
  constructor(readonly key: string) {}
}

interface ShapePlan {
  /** The input keys in order, to recognise a record of this shape without allocating. */
  readonly keys: readonly string[];
  /** same: nothing changes; append: `to` keys are added after the record's own; copy: a new record from `template`. */
  readonly kind: 'same' | 'append' | 'copy';
  /** copy: the output keys in order, constants filled in. */
  readonly template: LogRecord;
  /** Keys to set: from input key `from[i]` when defined, else to `constants[i]`. */
  readonly to: readonly string[];
  readonly from: readonly (string | undefined)[];
  readonly constants: readonly unknown[];
  /** A key to set is `__proto__`, which a plain assignment would not create. */
  readonly proto: boolean;
}

/** Whether the record's keys are exactly `keys`, in order (without allocating). */
function hasKeys(record: LogRecord, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in record) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/** Plans kept per filter; past this, the oldest is forgotten (records with ever-new key sets). */
const MAX_PLANS = 256;
/** Plans tried in turn before the lookup by key list (which allocates). */
const RECENT = 4;
/**
 * Planning pays off only when shapes repeat. When more than MAX_NEW_PLANS plans are made within
 * WINDOW records (e.g. more shapes than MAX_PLANS in turn), the logic runs on each record itself for
 * the next DIRECT_RUN records, then planning is tried again.
 */
const WINDOW = 1024;
const MAX_NEW_PLANS = 64;
const DIRECT_RUN = 16 * 1024;

export class ShapePlanner {
  private readonly plans = new Map<string, ShapePlan>();
  private readonly recent: ShapePlan[] = [];
  /** Records seen and plans made in the current window; records left to run without plans. */
  private seen = 0;
  private made = 0;
  private direct = 0;

  /**
   * @param transform the filter's logic on keys: it gets a record and returns the record it makes of
   *   it (the same object, changed in place or not, or a new one). It runs on records whose values
   *   are placeholders, and on real records when planning does not pay off; it must not read values
   *   other than to move them, and any value it writes must be the same for every record.
   */
  constructor(private readonly transform: (shape: LogRecord) => LogRecord) {}

  /** The record changed by the filter's logic: the same object (changed in place or not) or a new one. */
  apply(record: LogRecord): LogRecord {
    if (this.direct > 0) {
      this.direct--;
      return this.transform(record);
    }
    if (++this.seen >= WINDOW) {
      this.seen = 0;
      this.made = 0;
    }
    const plan = this.planFor(record);
    if (plan.kind === 'same') return record;
    const { to, from, constants } = plan;
    const out = plan.kind === 'append' ? record : { ...plan.template };
    if (plan.proto) {
      for (let k = 0; k < to.length; k++) setField(out, to[k]!, from[k] !== undefined ? record[from[k]!] : constants[k]);
    } else {
      for (let k = 0; k < to.length; k++) {
        const src = from[k];
        out[to[k]!] = src !== undefined ? record[src] : constants[k];
      }
    }
    return out;
  }

  private planFor(record: LogRecord): ShapePlan {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) if (hasKeys(record, recent[i]!.keys)) return recent[i]!;
    const keys = Object.keys(record);
    const id = JSON.stringify(keys);
    let plan = this.plans.get(id);
    if (plan === undefined) {
      plan = this.plan(keys);
      if (++this.made > MAX_NEW_PLANS) {
        this.direct = DIRECT_RUN;
        this.seen = 0;
        this.made = 0;
      }
      if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(id, plan);
    }
    recent.unshift(plan);
    if (recent.length > RECENT) recent.pop();
    return plan;
  }

  private plan(keys: string[]): ShapePlan {
    const input: LogRecord = {};
    for (let i = 0; i < keys.length; i++) setField(input, keys[i]!, new Source(keys[i]!));
    const shape = this.transform(input);
    const out = Object.keys(shape);
    const source = (k: string): string | undefined => (shape[k] instanceof Source ? (shape[k] as Source).key : undefined);
    // How many output keys at the start are the input keys, in order, with their own values.
    let kept = 0;
    while (kept < keys.length && kept < out.length && out[kept] === keys[kept] && source(out[kept]!) === keys[kept]) kept++;
    const kind = kept < keys.length ? 'copy' : kept < out.length ? 'append' : 'same';
    const set = kind === 'append' ? out.slice(kept) : out.filter((k) => source(k) !== undefined);
    const template: LogRecord = {};
    if (kind === 'copy') for (const k of out) setField(template, k, source(k) === undefined ? shape[k] : undefined);
    return {
      keys,
      kind,
      template,
      to: set,
      from: set.map(source),
      constants: set.map((k) => (source(k) === undefined ? shape[k] : undefined)),
      proto: set.includes('__proto__'),
    };
  }
}
