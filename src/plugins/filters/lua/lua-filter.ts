/**
 * The `lua` filter (plugins/filter_lua/lua.c) on a real Lua VM: Lua 5.4 in WebAssembly, where
 * Fluent Bit embeds LuaJIT (Lua 5.1). The chunk is loaded and run once at start; the function
 * named by `call` then runs for every record, synchronously, a whole batch at a time.
 *
 * What each return code does, as cb_lua_filter:
 * -1 drops the record; 0 keeps it as it came; 1 takes the returned record and timestamp; 2 the
 * returned record with the original timestamp; any other code keeps the record (logged). A
 * returned array of maps becomes several records with the same timestamp. A Lua error, or a
 * returned value that is neither a map nor an array of maps, makes Fluent Bit give back the whole
 * chunk untouched (FLB_FILTER_NOTOUCH): the batch passes as it came, records dropped or changed
 * before the error included; the error is logged with Lua's message (chunk and line) and counted.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { PipelineError } from '../../../errors.js';
import type { LogEvent, LogRecord, Nanos } from '../../../record/event.js';
import { splitNanos } from '../../../record/event.js';
import type { FilterContext, FilterRuntime, OptionEntry } from '../../../engine/plugin.js';
import { LUA_COMPAT_PRELUDE } from './lua-compat.js';
import { LuaT, LuaVm } from './lua-vm.js';
import { LuaValues } from './lua-values.js';
import { locateScript, type LuaOptions } from './options.js';

const NS_PER_S = 1_000_000_000n;

/** flb_time_to_double. */
export function timeToDouble(t: Nanos): number {
  const { sec, nsec } = splitNanos(t);
  return sec + nsec / 1e9;
}

/** flb_time_from_double: seconds truncated to an int, nanoseconds = (d - sec) * 1e9 truncated. */
export function timeFromDouble(d: number): Nanos {
  if (!Number.isFinite(d)) return 0n;
  const sec = Math.trunc(d);
  return BigInt(sec) * NS_PER_S + BigInt(Math.trunc((d - sec) * 1e9));
}

function located(entries: readonly OptionEntry[], key: string): string {
  let span: OptionEntry['span'];
  for (const e of entries) if (e.key === key) span = e.span;
  return span ? `${span.file}:${span.start.line}: ` : '';
}

/** What one call of the function gave for one record. */
type Outcome = { readonly kind: 'events'; readonly events: readonly LogEvent[] } | { readonly kind: 'untouched'; readonly reason: string };

export class LuaFilter implements FilterRuntime {
  private readonly values: LuaValues;
  private readonly call: number;
  private readonly nargs: number;
  private readonly nresults: number;
  /** What Fluent Bit's messages call the script: its path, or "(null)" for inline code. */
  private readonly scriptName: string;
  private stopped = false;

  private constructor(
    private readonly vm: LuaVm,
    private readonly options: LuaOptions,
    private readonly ctx: FilterContext,
    nparams: number,
    scriptName: string,
  ) {
    this.values = new LuaValues(vm, {
      intKeys: options.type_int_key ?? [],
      arrayKeys: options.type_array_key ?? [],
      flbNull: options.enable_flb_null,
    });
    this.call = vm.cstr(options.call ?? '');
    // get_callback_args: 5 parameters (tag, timestamp, group, metadata, record) or else 3.
    this.nargs = nparams >= 5 ? 5 : 3;
    this.nresults = this.nargs === 5 ? 4 : 3;
    this.scriptName = scriptName;
  }

  /** cb_lua_pre_run and cb_lua_init: what fails there stops the agent at start. */
  static async create(options: LuaOptions, ctx: FilterContext): Promise<LuaFilter> {
    const fail = (key: string, message: string): PipelineError => new PipelineError(`${located(ctx.entries, key)}[FILTER] lua (${ctx.displayName}): ${message}`);
    let source: string;
    let chunk: string;
    let key: string;
    if (options.code !== undefined) {
      source = options.code;
      chunk = 'fluentbit.lua';
      key = 'code';
    } else {
      if (options.script === undefined) throw fail('script', 'no script path defined (set Script or Code)');
      const where = locateScript(options.script, ctx.configDir);
      if (!where.ok) throw fail('script', where.message);
      source = readFileSync(where.path, 'utf8');
      // luaL_loadfile names the chunk "@path": messages read "path:line: ...".
      chunk = `@${where.name}`;
      key = 'script';
    }
    if (options.call === undefined) throw fail('call', "function name defined by 'call' is not set");
    const vm = await LuaVm.create();
    try {
      const r = vm.raw;
      const L = vm.L;
      const compat = vm.run(LUA_COMPAT_PRELUDE, '=logferry-compat');
      if (compat !== undefined) throw new Error(`Lua 5.1 compatibility prelude failed: ${compat}`);
      setEnvTable(vm);
      if (options.enable_flb_null) {
        r._lua_pushlightuserdata(L, 0);
        r._lua_setglobal(L, vm.cstr('flb_null'));
      }
      const loadError = vm.load(source, chunk);
      if (loadError !== undefined) throw fail(key, `error loading ${key === 'code' ? 'buffer' : 'script'}: ${loadError}`);
      const runError = vm.pcall(0, 0);
      if (runError !== undefined) throw fail(key, `invalid lua content: ${runError}`);
      r._lua_settop(L, 0);
      if (r._lua_getglobal(L, vm.cstr(options.call)) !== LuaT.function) throw fail('call', `function ${options.call} is not found`);
      r._lua_settop(L, 0);
      const n = callbackParams(vm, options.call);
      return new LuaFilter(vm, options, ctx, n, key === 'code' ? '(null)' : chunk.slice(1));
    } catch (err) {
      vm.close();
      throw err;
    }
  }

  filter(tag: string, events: LogEvent[]): LogEvent[] {
    if (this.stopped || events.length === 0) return events;
    const out: LogEvent[] = [];
    for (const event of events) {
      let outcome: Outcome;
      try {
        outcome = this.one(tag, event);
      } catch (err) {
        // The VM itself failed (out of memory in the wasm heap): nothing is lost, as for a Lua error.
        outcome = { kind: 'untouched', reason: `Lua VM failure: ${(err as Error).message}` };
      }
      if (outcome.kind === 'untouched') {
        this.ctx.counters.add('errors');
        this.ctx.log.error(`${outcome.reason}; the ${events.length} record${events.length === 1 ? '' : 's'} of this batch pass unchanged`);
        return events;
      }
      for (const e of outcome.events) out.push(e);
    }
    return out;
  }

  private one(tag: string, event: LogEvent): Outcome {
    const vm = this.vm;
    const r = vm.raw;
    const L = vm.L;
    const base = r._lua_gettop(L);
    try {
      r._lua_checkstack(L, 8);
      r._lua_getglobal(L, this.call);
      vm.pushString(tag);
      this.pushTime(event.time);
      if (this.nargs === 5) {
        r._lua_createtable(L, 0, 0);
        r._lua_createtable(L, 0, 0);
      }
      this.values.push(event.record);
      const error = vm.pcall(this.nargs, this.nresults);
      if (error !== undefined) return { kind: 'untouched', reason: `error code 2: ${error}` };
      const codeAt = base + 1;
      const code = vm.toIntegerLuaJit(codeAt);
      const time = this.returnedTime(codeAt + 1);
      // With time_as_table, a timestamp that is not a table stays on Fluent Bit's Lua stack and is
      // read in place of what comes after it: the record (3 arguments) or the metadata (5).
      const recordAt = time === undefined ? codeAt + (this.nargs === 5 ? 2 : 1) : base + this.nresults;
      if (code === -1) return { kind: 'events', events: [] };
      if (code !== 1 && code !== 2) {
        if (code !== 0) this.ctx.log.error(`unexpected Lua script return code ${code}, original record will be kept.`);
        return { kind: 'events', events: [event] };
      }
      const value = this.values.read(recordAt, event.record);
      const records = recordsOf(value);
      if (records === undefined) return { kind: 'untouched', reason: `invalid table returned at ${this.options.call}(), ${this.scriptName}` };
      const t = code === 1 ? (time ?? event.time) : event.time;
      return { kind: 'events', events: records.map((record) => ({ time: t, record })) };
    } finally {
      r._lua_settop(L, base);
    }
  }

  /** Pushes the timestamp: a number of seconds (flb_time_to_double), or {sec = ..., nsec = ...}. */
  private pushTime(t: Nanos): void {
    const vm = this.vm;
    const r = vm.raw;
    if (!this.options.time_as_table) {
      vm.pushNumber(timeToDouble(t));
      return;
    }
    const { sec, nsec } = splitNanos(t);
    r._lua_createtable(vm.L, 0, 2);
    vm.pushString('sec');
    r._lua_pushinteger(vm.L, BigInt(sec));
    r._lua_rawset(vm.L, -3);
    vm.pushString('nsec');
    r._lua_pushinteger(vm.L, BigInt(nsec));
    r._lua_rawset(vm.L, -3);
  }

  /**
   * The time code 1 gives the record: from the returned number, or the returned {sec, nsec};
   * undefined when time_as_table gets something else (logged; the original time stays).
   */
  private returnedTime(idx: number): Nanos | undefined {
    const vm = this.vm;
    const r = vm.raw;
    if (!this.options.time_as_table) {
      // lua_tonumber: anything but a number or numeric string is 0.
      return timeFromDouble(vm.toNumber(idx));
    }
    if (r._lua_type(vm.L, idx) !== LuaT.table) {
      this.ctx.log.error('invalid lua timestamp type returned');
      return undefined;
    }
    r._lua_getfield(vm.L, idx, vm.cstr('sec'));
    const sec = vm.toIntegerLuaJit(-1);
    r._lua_getfield(vm.L, idx, vm.cstr('nsec'));
    const nsec = vm.toIntegerLuaJit(-1);
    r._lua_settop(vm.L, -3);
    return BigInt(sec) * NS_PER_S + BigInt(nsec);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.vm.close();
  }
}

function isMap(v: unknown): v is LogRecord {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** pack_result: a map is one record, an array of maps several; anything else is invalid. */
function recordsOf(value: unknown): LogRecord[] | undefined {
  if (isMap(value)) return [value];
  if (Array.isArray(value) && value.every(isMap)) return value;
  return undefined;
}

/** get_callback_args: the number of parameters the function declares (debug.getinfo 'u'). */
function callbackParams(vm: LuaVm, name: string): number {
  const r = vm.raw;
  const base = r._lua_gettop(vm.L);
  try {
    if (vm.load("return debug.getinfo(_G[...], 'u').nparams", '=logferry-nparams') !== undefined) return 3;
    vm.pushString(name);
    return vm.pcall(1, 1) === undefined ? vm.toIntegerLuaJit(-1) : 3;
  } finally {
    r._lua_settop(vm.L, base);
  }
}

/** FLB_ENV: the configuration's variables; HOSTNAME when the environment does not have it (env_preset). */
function setEnvTable(vm: LuaVm): void {
  const r = vm.raw;
  r._lua_createtable(vm.L, 0, 1);
  if (process.env['HOSTNAME'] === undefined) {
    vm.pushString('HOSTNAME');
    vm.pushString(hostname());
    r._lua_rawset(vm.L, -3);
  }
  r._lua_setglobal(vm.L, vm.cstr('FLB_ENV'));
}
