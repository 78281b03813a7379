/**
 * A Lua 5.4 state in WebAssembly (wasmoon's build of the reference interpreter), driven through
 * its C API directly: every call is synchronous, so a batch of records runs without a promise per
 * record. Strings cross the boundary as UTF-8 through one scratch buffer in the wasm heap.
 */
import { LuaWasm } from 'wasmoon';

/** The exports of the Lua C API this module calls (wasmoon's emscripten module holds them). */
interface RawLua {
  readonly HEAPU8: Uint8Array;
  readonly HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _luaL_newstate(): number;
  _luaL_openlibs(L: number): void;
  _lua_close(L: number): void;
  _luaL_loadbufferx(L: number, buf: number, size: number, name: number, mode: number): number;
  _lua_pcallk(L: number, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  _lua_gettop(L: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_checkstack(L: number, n: number): number;
  _lua_type(L: number, idx: number): number;
  _lua_isinteger(L: number, idx: number): number;
  _lua_tointegerx(L: number, idx: number, isnum: number): bigint;
  _lua_tonumberx(L: number, idx: number, isnum: number): number;
  _lua_toboolean(L: number, idx: number): number;
  _lua_tolstring(L: number, idx: number, len: number): number;
  _lua_touserdata(L: number, idx: number): number;
  _lua_topointer(L: number, idx: number): number;
  _lua_rawlen(L: number, idx: number): number;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushlstring(L: number, s: number, len: number): number;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushlightuserdata(L: number, p: number): void;
  _lua_pushvalue(L: number, idx: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_getglobal(L: number, name: number): number;
  _lua_setglobal(L: number, name: number): void;
  _lua_getfield(L: number, idx: number, k: number): number;
  _lua_rawset(L: number, idx: number): void;
  _lua_rawseti(L: number, idx: number, n: bigint): void;
  _lua_rawgeti(L: number, idx: number, n: bigint): number;
  _lua_getmetatable(L: number, idx: number): number;
  _lua_setmetatable(L: number, idx: number): number;
  _lua_next(L: number, idx: number): number;
}

/** lua_type results. */
export const LuaT = { none: -1, nil: 0, boolean: 1, lightuserdata: 2, number: 3, string: 4, table: 5, function: 6, userdata: 7, thread: 8 } as const;

export const LUA_REGISTRYINDEX = -1001000;
const LUA_MULTRET = -1;
const ENCODER = new TextEncoder();

/** BigInts of small whole numbers, made once (array indexes, counters): a BigInt per push is garbage. */
const SMALL_BIGINTS = Array.from({ length: 4096 }, (_, i) => BigInt(i));

export function bigintOf(n: number): bigint {
  return n >= 0 && n < 4096 ? SMALL_BIGINTS[n]! : BigInt(n);
}

/** Instantiations one at a time: each swaps WebAssembly.instantiate for the time it takes. */
let initChain: Promise<unknown> = Promise.resolve();

/**
 * A new Lua module. wasmoon's module wraps every export in a function that builds its assertion
 * messages on each call (5x the cost of the call itself): the exports are taken from the instance
 * as it is created, and the wrapped ones serve only if that fails.
 */
async function instantiate(): Promise<RawLua> {
  const wasm = (globalThis as unknown as { WebAssembly: { instantiate: (...args: unknown[]) => Promise<unknown> } }).WebAssembly;
  const original = wasm.instantiate;
  let exports: Record<string, unknown> | undefined;
  wasm.instantiate = async (...args: unknown[]): Promise<unknown> => {
    const result = (await original.apply(wasm, args)) as { instance?: { exports: Record<string, unknown> }; exports?: Record<string, unknown> };
    const found = result.instance?.exports ?? result.exports;
    if (found && typeof found['luaL_newstate'] === 'function') exports = found;
    return result;
  };
  let module: RawLua;
  try {
    // os.getenv reads the module's environment: give it the process's (Fluent Bit scripts read settings there).
    module = (await LuaWasm.initialize(undefined, { ...process.env })).module as unknown as RawLua;
  } finally {
    wasm.instantiate = original;
  }
  if (exports === undefined) return module;
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(exports)) if (typeof value === 'function') raw[`_${name}`] = value;
  Object.defineProperty(raw, 'HEAPU8', { get: () => module.HEAPU8 });
  Object.defineProperty(raw, 'HEAPU32', { get: () => module.HEAPU32 });
  return raw as unknown as RawLua;
}

export class LuaVm {
  /** The Lua state (lua_State *). */
  readonly L: number;
  private scratch = 0;
  private scratchSize = 0;
  /** A 4-byte cell for out-parameters (string lengths). */
  private readonly cell: number;
  /** NUL-terminated names kept in the heap (globals, fields), by name. */
  private readonly names = new Map<string, number>();
  private closed = false;
  /** A Buffer over the wasm memory (remade when the memory grows): UTF-8 both ways without views. */
  private heapBuffer: Buffer;

  private constructor(readonly raw: RawLua) {
    this.L = raw._luaL_newstate();
    raw._luaL_openlibs(this.L);
    this.cell = raw._malloc(8);
    this.heapBuffer = Buffer.from(raw.HEAPU8.buffer);
  }

  private heap(): Buffer {
    // A grown memory detaches the old ArrayBuffer: views over it read as empty.
    if (this.heapBuffer.length === 0) this.heapBuffer = Buffer.from(this.raw.HEAPU8.buffer);
    return this.heapBuffer;
  }

  static async create(): Promise<LuaVm> {
    const next = initChain.then(instantiate);
    initChain = next.catch(() => undefined);
    return new LuaVm(await next);
  }

  /** A NUL-terminated copy of `name` in the wasm heap, kept for the life of the state. */
  cstr(name: string): number {
    let p = this.names.get(name);
    if (p === undefined) {
      const bytes = ENCODER.encode(name);
      p = this.raw._malloc(bytes.length + 1);
      this.raw.HEAPU8.set(bytes, p);
      this.raw.HEAPU8[p + bytes.length] = 0;
      this.names.set(name, p);
    }
    return p;
  }

  private reserve(bytes: number): number {
    if (bytes > this.scratchSize) {
      if (this.scratch !== 0) this.raw._free(this.scratch);
      this.scratchSize = Math.max(bytes, 2 * this.scratchSize, 4096);
      this.scratch = this.raw._malloc(this.scratchSize);
    }
    return this.scratch;
  }

  /** Writes `s` as UTF-8 into the scratch buffer; returns its length in bytes. */
  private encode(s: string): number {
    const n = s.length;
    const p = this.reserve(n * 3 + 1);
    return this.heap().write(s, p, n * 3 + 1, 'utf8');
  }

  pushString(s: string): void {
    const len = this.encode(s);
    this.raw._lua_pushlstring(this.L, this.scratch, len);
  }

  /** A whole number within the 64-bit range becomes a Lua integer (LuaJIT prints it without `.0`). */
  pushNumber(n: number): void {
    if (Number.isInteger(n) && Math.abs(n) < 9.2e18) this.raw._lua_pushinteger(this.L, bigintOf(n));
    else this.raw._lua_pushnumber(this.L, n);
  }

  /** The string at `idx` (the value must be a string: lua_tolstring converts numbers in place). */
  toStr(idx: number): string {
    const p = this.raw._lua_tolstring(this.L, idx, this.cell);
    const heap = this.heap();
    const len = heap.readUInt32LE(this.cell);
    return heap.toString('utf8', p, p + len);
  }

  /** Any value as text (errors: Lua's message, or its type when it is not a string). */
  describe(idx: number): string {
    const t = this.raw._lua_type(this.L, idx);
    if (t === LuaT.string || t === LuaT.number) {
      this.raw._lua_pushvalue(this.L, idx);
      const s = this.toStr(-1);
      this.raw._lua_settop(this.L, -2);
      return s;
    }
    return `(error object is a ${['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][t] ?? 'value'})`;
  }

  /** The number at `idx` (0 when it is neither a number nor a numeric string, as lua_tonumber). */
  toNumber(idx: number): number {
    if (this.raw._lua_isinteger(this.L, idx)) return Number(this.raw._lua_tointegerx(this.L, idx, 0));
    return this.raw._lua_tonumberx(this.L, idx, 0);
  }

  /** LuaJIT's lua_tointeger: numbers (and numeric strings) truncated toward zero, anything else 0. */
  toIntegerLuaJit(idx: number): number {
    const n = this.toNumber(idx);
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  }

  /** Compiles `code` as a chunk named `chunkname`; pushes the function. Returns Lua's message on failure. */
  load(code: string, chunkname: string): string | undefined {
    const bytes = ENCODER.encode(code);
    const p = this.raw._malloc(bytes.length + 1);
    try {
      this.raw.HEAPU8.set(bytes, p);
      const name = this.cstr(chunkname);
      if (this.raw._luaL_loadbufferx(this.L, p, bytes.length, name, 0) === 0) return undefined;
      const message = this.describe(-1);
      this.raw._lua_settop(this.L, -2);
      return message;
    } finally {
      this.raw._free(p);
    }
  }

  /** lua_pcall: on failure pops the error and returns its message. */
  pcall(nargs: number, nresults: number): string | undefined {
    if (this.raw._lua_pcallk(this.L, nargs, nresults, 0, 0, 0) === 0) return undefined;
    const message = this.describe(-1);
    this.raw._lua_settop(this.L, -2);
    return message;
  }

  /** Loads and runs `code`, leaving its results on the stack; returns Lua's message on failure. */
  run(code: string, chunkname: string): string | undefined {
    return this.load(code, chunkname) ?? this.pcall(0, LUA_MULTRET);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw._lua_close(this.L);
    for (const p of this.names.values()) this.raw._free(p);
    if (this.scratch !== 0) this.raw._free(this.scratch);
    this.raw._free(this.cell);
  }
}
