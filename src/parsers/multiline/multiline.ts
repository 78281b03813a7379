/**
 * The multiline engine (`src/multiline/flb_ml.c`, 4.2.8): joins the lines of a stream (a tailed
 * file) into records with one or more multiline parsers.
 *
 * Per line: the parser that accepted the stream's previous line is tried first, then the others in
 * list order; the first that accepts the line takes it. A parser with a `parser` accepts a line
 * its parser can read and whose `key_content` is a string; then
 * - `endswith`/`equal` accept it when the pattern (`key_pattern`, else the content) is at least
 *   as long as `match_string` (`endswith`) or always (`equal`): the content is added to the group's
 *   message, which is flushed when the comparison (inverted by `negate`) holds;
 * - `regex` accepts it when, inside a message, a rule of the current rule's next state (start rules
 *   excepted) matches (the line is added after a line break), or else when a start rule matches
 *   (any pending message is flushed and a new one starts). A message ends right after a rule whose
 *   next state has a start rule.
 * A line no parser accepts flushes everything pending for the stream and becomes a record of its
 * own, `{<first parser's key_content or "log">: line}` at `now` (a record: itself, at its time).
 *
 * Records: the first line's parsed record with its content key replaced by the joined text; for raw
 * text (no `key_content`), `{"log": text}` with lines joined by `\n` and a final `\n`. docker and cri
 * fragments are joined with no separator. Groups (values of `key_group`, at most 5 per parser and
 * stream, plus the default group) are joined separately: stdout and stderr never mix, however
 * their lines interleave.
 *
 * Times (the group's `mp_time`, set by `flb_ml_register_context`): a line's time is its parsed
 * time, else `now` (for a record, its own time), else, when 0, the current time. A group keeps the
 * time registered last, a flush does not reset it, and its message goes out at that time (the
 * current time while none was registered). Registered are: a regex start line; the first line of
 * an endswith/equal message with a record, and every line of a raw-text one (so the last line's
 * time); a line or record no parser accepts, in the first parser's default group. So a regex
 * message whose first lines are continuations (the rule state outlives a flush) has no record and
 * goes out at the time of the line before it when that one was passed as it is.
 *
 * Differences from Fluent Bit, on purpose:
 * - `multiline_buffer_limit` applies to every type (Fluent Bit limits regex messages and lone lines
 *   only, so docker/cri partials grow without bound there); a message reaching it is cut at a code
 *   point boundary, flushed at once and counted; the next continuation lines start a new message;
 * - flush timeout: a group is flushed once `flush_timeout` has passed since its last line
 *   (`flushExpired`, called every `flushIntervalMs`: so 1-2x the timeout), where Fluent Bit's timer
 *   flushes every pending group at each tick, even one that got a line just before;
 * - the parser tried first is remembered per stream (Fluent Bit keeps one for all streams and
 *   forgets it when another stream had the last line);
 * - a sixth group value makes the parser refuse the line (Fluent Bit fails on it);
 * - a regex start line cut at the buffer limit keeps its record and time (Fluent Bit registers
 *   neither, so its message goes out as `{key_content: text}` at the previous message's time).
 */
import type { MultilineParserPlan, ParserPlan } from '../../config/plan/types.js';
import { MULTILINE_BUFFER_LIMIT_FALLBACK } from '../../config/sections/service.js';
import type { LogEvent, LogRecord } from '../../record/event.js';
import { nowNanos } from '../../record/clock.js';
import { setField } from '../runtime/types.js';
import { builtinSpec } from './builtin-specs.js';
import { CriLineParser } from './container-parsers.js';
import { Group, utf8Prefix } from './group.js';
import { compileRules, type Rule, type RuleMachine } from './rules.js';
import { MultilineSetupError, specFromOptions, type MultilineSpec } from './spec.js';

/** The part of the plan multiline parsers are looked up in. */
export interface MultilinePlanSource {
  readonly parsers?: ReadonlyMap<string, ParserPlan>;
  readonly multilineParsers?: ReadonlyMap<string, MultilineParserPlan>;
}

export interface MultilineOptions {
  /** `multiline_buffer_limit` in bytes; 0 disables it. Default 2 MiB. */
  readonly bufferLimit?: number;
  /** Replaces every parser's `key_content` (the multiline filter's `multiline.key_content`). */
  readonly keyContent?: string;
}

export interface MultilineStats {
  /** Messages cut at the buffer limit. */
  truncated: number;
  /** Bytes left out by those cuts. */
  truncatedBytes: number;
}

/** A time of 0 stands for none: Fluent Bit takes the current time then. */
function orNow(time: bigint): bigint {
  return time === 0n ? nowNanos() : time;
}

/** The smallest timer period Fluent Bit accepts. */
export const MIN_FLUSH_INTERVAL_MS = 500;

const MAX_NAMED_GROUPS = 5;

interface Instance {
  readonly spec: MultilineSpec;
  readonly keyContent: string | undefined;
  readonly machine: RuleMachine | undefined;
  readonly matchString: string;
  readonly matchBytes: number;
  readonly flushNs: bigint;
}

class InstanceState {
  private defaultGroup: Group | undefined;
  readonly named: Group[] = [];

  group(name: string | undefined): Group | undefined {
    if (name === undefined) return (this.defaultGroup ??= new Group(undefined));
    const named = this.named;
    for (let i = 0; i < named.length; i++) if (named[i]!.name === name) return named[i];
    if (named.length >= MAX_NAMED_GROUPS) return undefined;
    const g = new Group(name);
    named.push(g);
    return g;
  }

  /** Groups in Fluent Bit's order: the default group, then the others as they appeared. */
  *groups(): IterableIterator<Group> {
    if (this.defaultGroup !== undefined) yield this.defaultGroup;
    yield* this.named;
  }
}

/** Resolves parser names (case-insensitive) against the plan; built-ins need no plan. */
function resolveSpecs(names: readonly string[], plan: MultilinePlanSource | undefined): MultilineSpec[] {
  if (names.length === 0) throw new MultilineSetupError('no multiline parser given');
  return names.map((raw) => {
    const name = raw.trim().toLowerCase();
    const entry = plan?.multilineParsers?.get(name);
    if (entry !== undefined && !entry.builtin && entry.options !== undefined) return specFromOptions(entry.options, plan?.parsers);
    const builtin = builtinSpec(name);
    if (builtin === undefined) throw new MultilineSetupError(`multiline parser '${raw.trim()}' is not defined`);
    return builtin;
  });
}

/** A multiline setup: an ordered list of multiline parsers, shared by the streams it creates. */
export class Multiline {
  /** Period at which to call `flushExpired`: the longest `flush_timeout` of the list (at least 500 ms). */
  readonly flushIntervalMs: number;
  readonly stats: MultilineStats = { truncated: 0, truncatedBytes: 0 };
  readonly bufferLimit: number;
  /** @internal */
  readonly instances: readonly Instance[];
  private readonly streamsById = new Map<string | number, MultilineStream>();

  constructor(specs: readonly MultilineSpec[], options: MultilineOptions = {}) {
    const limit = options.bufferLimit ?? MULTILINE_BUFFER_LIMIT_FALLBACK;
    this.bufferLimit = Number.isFinite(limit) && limit > 0 ? Math.floor(limit) : 0;
    this.instances = specs.map((spec) => {
      const matchString = spec.matchString ?? '';
      return {
        spec,
        keyContent: options.keyContent ?? spec.keyContent,
        machine: spec.type === 'regex' ? compileRules(spec.rules) : undefined,
        matchString,
        matchBytes: Buffer.byteLength(matchString),
        flushNs: BigInt(spec.flushMs) * 1_000_000n,
      };
    });
    this.flushIntervalMs = Math.max(MIN_FLUSH_INTERVAL_MS, ...specs.map((s) => s.flushMs));
  }

  /** The stream with this id (one per file), created on first use. */
  stream(id: string | number): MultilineStream {
    let s = this.streamsById.get(id);
    if (s === undefined) {
      s = new MultilineStream(this, id);
      this.streamsById.set(id, s);
    }
    return s;
  }

  /**
   * The cri parser when this setup is the built-in `cri` last, after nothing but parsers of JSON
   * text (`multiline.parser cri`, or `docker, cri` as AWS's Container Insights configuration has
   * it): each full (`F`) line of a stream that holds no partial message is then a record of its
   * own, which a byte path can write (MultilineStream.canTakeWhole / tookWhole); undefined for any
   * other setup. Before cri, a JSON parser reads no line that starts with a digit (no JSON object
   * does) and changes nothing when it fails, so such a line reaches cri whichever parser took the
   * line before it (`wholeCriAfterJson`: the byte path then takes only those lines).
   */
  get wholeCri(): CriLineParser | undefined {
    const last = this.instances.length - 1;
    const { spec, keyContent } = this.instances[last]!;
    const cri = spec.type === 'equal' && spec.matchString === 'F' && !spec.negate && keyContent === 'log' && spec.keyPattern === '_p' && spec.keyGroup === 'stream';
    if (!cri || !(spec.parser instanceof CriLineParser)) return undefined;
    for (let i = 0; i < last; i++) if (this.instances[i]!.spec.parser?.format !== 'json') return undefined;
    return spec.parser;
  }

  /** For a `wholeCri` setup: whether JSON parsers come before cri (whole lines must then start with a digit). */
  get wholeCriAfterJson(): boolean {
    return this.instances.length > 1;
  }

  streams(): IterableIterator<MultilineStream> {
    return this.streamsById.values();
  }

  /** Forgets a stream (flush it first). */
  removeStream(id: string | number): void {
    this.streamsById.delete(id);
  }
}

/**
 * Creates a multiline setup from `multiline.parser` names (`['docker', 'cri']`, or the raw
 * comma-separated value). Throws `MultilineSetupError` for a name neither built in nor in the plan.
 */
export function createMultiline(names: readonly string[] | string, plan?: MultilinePlanSource, options?: MultilineOptions): Multiline {
  const list = typeof names === 'string' ? names.split(',').filter((n) => n.trim().length > 0) : names;
  return new Multiline(resolveSpecs(list, plan), options);
}

/** The lines of one source (a file). Completed records are appended to the caller's array. */
export class MultilineStream {
  private readonly states: InstanceState[];
  private readonly instances: readonly Instance[];
  private readonly limit: number;
  /** Index of the parser that accepted the previous line, -1 before the first. */
  private last = -1;

  constructor(
    private readonly owner: Multiline,
    readonly id: string | number,
  ) {
    this.instances = owner.instances;
    this.states = owner.instances.map(() => new InstanceState());
    this.limit = owner.bufferLimit;
  }

  /** Adds one line (without its newline) read at `now` (nanoseconds). */
  push(line: string, now: bigint, out: LogEvent[]): void {
    if (this.route(line, undefined, now, out)) return;
    this.flush(out);
    this.registerAlone(now);
    this.emitAlone(line, now, out);
  }

  /**
   * Adds one record (`flb_ml_append_object`, the multiline filter's input): parsers with a
   * `parser` read its `key_content` field, others use the record itself, which is then owned by
   * the stream. A record no parser accepts passes through unchanged.
   */
  pushRecord(record: LogRecord, time: bigint, out: LogEvent[]): void {
    if (this.route(undefined, record, time, out)) return;
    this.flush(out);
    this.registerAlone(time);
    out.push({ time: orNow(time), record });
  }

  /**
   * For a setup with `wholeCri`: whether a full line of `stream` (stderr or stdout) would go out at
   * once as a record of its own, its group (of the cri parser, the setup's last) holding nothing.
   */
  canTakeWhole(stderr: boolean): boolean {
    const group = this.states[this.states.length - 1]!.group(stderr ? 'stderr' : 'stdout');
    return group !== undefined && !group.pending;
  }

  /**
   * A full line that canTakeWhole allowed was written as its record elsewhere (read at `now`): the
   * stream's state becomes what `push` would have left (the group's last line, cri the parser tried
   * first). The group's time is left: `push` would set it to the line's, but a cri group's next
   * message registers its own (every cri line has a record) before anything reads it.
   */
  tookWhole(stderr: boolean, now: bigint): void {
    const cri = this.states.length - 1;
    this.states[cri]!.group(stderr ? 'stderr' : 'stdout')!.lastLine = now;
    this.last = cri;
  }

  /**
   * What passes as it is goes through the first parser's default group in Fluent Bit, which keeps
   * its time for a message that later starts there without a start line.
   */
  private registerAlone(time: bigint): void {
    this.states[0]!.group(undefined)!.time = time;
  }

  /** Flushes groups whose last line is at least their parser's `flush_timeout` old. */
  flushExpired(nowMs: number, out: LogEvent[]): void {
    const now = BigInt(Math.floor(nowMs)) * 1_000_000n;
    for (let i = 0; i < this.instances.length; i++) {
      const inst = this.instances[i]!;
      for (const g of this.states[i]!.groups()) {
        if (g.pending && g.lastLine + inst.flushNs <= now) this.flushGroup(inst, g, out);
      }
    }
  }

  /** Flushes everything pending (end of file, shutdown, or a line no parser accepts). */
  flush(out: LogEvent[]): void {
    for (let i = 0; i < this.instances.length; i++) {
      const inst = this.instances[i]!;
      for (const g of this.states[i]!.groups()) if (g.pending) this.flushGroup(inst, g, out);
    }
  }

  /** Whether some group holds an unfinished message. */
  get pending(): boolean {
    for (const state of this.states) for (const g of state.groups()) if (g.pending) return true;
    return false;
  }

  private route(line: string | undefined, record: LogRecord | undefined, now: bigint, out: LogEvent[]): boolean {
    const last = this.last;
    if (last >= 0 && this.accept(last, line, record, now, out)) return true;
    for (let i = 0; i < this.instances.length; i++) {
      if (i === last) continue;
      if (this.accept(i, line, record, now, out)) {
        this.last = i;
        return true;
      }
    }
    return false;
  }

  private accept(index: number, line: string | undefined, input: LogRecord | undefined, now: bigint, out: LogEvent[]): boolean {
    const inst = this.instances[index]!;
    const spec = inst.spec;
    const parser = spec.parser;
    let record: LogRecord | undefined;
    let time = now;
    let content: string;
    let pattern: string | undefined;
    let groupName: string | undefined;
    if (parser !== undefined) {
      let text = line;
      if (text === undefined) {
        const v = inst.keyContent === undefined ? undefined : input![inst.keyContent];
        if (typeof v !== 'string') return false;
        text = v;
      }
      record = parser.parseRecord(text, now);
      if (record === undefined) return false;
      if (parser.time !== 0n) time = parser.time;
    } else {
      record = input;
    }
    if (record !== undefined) {
      const key = inst.keyContent;
      if (key === undefined) return false;
      const c = record[key];
      if (typeof c !== 'string') return false;
      content = c;
      if (spec.keyPattern !== undefined) {
        const p = record[spec.keyPattern];
        if (typeof p === 'string') pattern = p;
      }
      if (spec.keyGroup !== undefined) {
        const g = record[spec.keyGroup];
        if (typeof g === 'string') groupName = g;
      }
    } else {
      content = line!;
    }
    const group = this.states[index]!.group(groupName);
    if (group === undefined) return false;
    time = orNow(time);
    if (inst.machine !== undefined) return this.acceptByRules(inst, inst.machine, group, content, record, time, now, out);
    return this.acceptByMatch(inst, group, content, pattern ?? content, record, time, now, out);
  }

  /** endswith / equal. */
  private acceptByMatch(
    inst: Instance,
    group: Group,
    content: string,
    compared: string,
    record: LogRecord | undefined,
    time: bigint,
    now: bigint,
    out: LogEvent[],
  ): boolean {
    const ms = inst.matchString;
    let matched: boolean;
    if (inst.spec.type === 'endswith') {
      if (compared.length < ms.length && Buffer.byteLength(compared) < inst.matchBytes) return false;
      matched = compared.endsWith(ms);
    } else {
      matched = compared === ms;
    }
    if (inst.spec.negate) matched = !matched;
    // a message with a record registers its first line; raw text registers every line
    if (group.record === undefined) group.register(record, time);
    if (inst.keyContent === undefined && group.text.length > 0 && !group.endsWithNewline) group.newline();
    group.lastLine = now;
    if (!this.add(inst, group, content, out)) return true;
    if (matched) this.flushGroup(inst, group, out);
    return true;
  }

  /** The regex state machine (`flb_ml_rule_process`). */
  private acceptByRules(
    inst: Instance,
    machine: RuleMachine,
    group: Group,
    content: string,
    record: LogRecord | undefined,
    time: bigint,
    now: bigint,
    out: LogEvent[],
  ): boolean {
    const hasNewline = content.indexOf('\n') >= 0;
    let matched: Rule | undefined;
    const current = group.rule;
    if (current !== undefined) {
      const next = current.next;
      for (let i = 0; i < next.length; i++) {
        const r = next[i]!;
        if (r.start || !r.runner.test(content, hasNewline)) continue;
        if (group.text.length > 0 && !group.endsWithNewline) group.newline();
        group.lastLine = now;
        if (content.length === 0) group.newline();
        else if (!this.add(inst, group, content, out)) return true;
        matched = r;
        break;
      }
    }
    if (matched === undefined) {
      const starts = machine.startRules;
      for (let i = 0; i < starts.length; i++) {
        if (starts[i]!.runner.test(content, hasNewline)) {
          matched = starts[i];
          break;
        }
      }
      if (matched === undefined) return false;
      if (group.pending) this.flushGroup(inst, group, out);
      group.rule = matched;
      group.register(record, time);
      group.lastLine = now;
      if (!this.add(inst, group, content, out)) return true;
    }
    group.rule = matched;
    if (matched.endsMessage && group.text.length > 0) this.flushGroup(inst, group, out);
    return true;
  }

  /** Adds content to a group; at the buffer limit the message is cut, flushed and counted (returns false). */
  private add(inst: Instance, group: Group, content: string, out: LogEvent[]): boolean {
    if (group.append(content, this.limit)) return true;
    const stats = this.owner.stats;
    stats.truncated++;
    stats.truncatedBytes += group.dropped;
    this.flushGroup(inst, group, out);
    group.rule = undefined;
    return false;
  }

  private flushGroup(inst: Instance, group: Group, out: LogEvent[]): void {
    const key = inst.keyContent;
    if (key === undefined && group.text.length > 0 && !group.endsWithNewline) group.newline();
    let record = group.record;
    if (record !== undefined) {
      if ((group.text.length > 0 || group.cut) && key !== undefined) setField(record, key, group.text);
    } else if (group.text.length > 0) {
      record = {};
      setField(record, key ?? 'log', group.text);
    }
    if (record !== undefined) out.push({ time: orNow(group.time), record });
    group.clear();
  }

  /** A line no parser took: `{key: line}` at `now` (raw-text first parsers add the final newline). */
  private emitAlone(line: string, now: bigint, out: LogEvent[]): void {
    if (line.length === 0) return;
    const key = this.instances[0]!.keyContent;
    let text = line;
    if (this.limit > 0 && line.length * 3 > this.limit) {
      const size = Buffer.byteLength(line);
      if (size > this.limit) {
        const kept = utf8Prefix(line, this.limit);
        this.owner.stats.truncated++;
        this.owner.stats.truncatedBytes += size - Buffer.byteLength(kept);
        text = kept;
      }
    }
    if (key === undefined && text.charCodeAt(text.length - 1) !== 10) text += '\n';
    const record: LogRecord = {};
    setField(record, key ?? 'log', text);
    out.push({ time: orNow(now), record });
  }
}
