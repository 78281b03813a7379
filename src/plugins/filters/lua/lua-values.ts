/**
 * Records to Lua tables and back, as Fluent Bit's src/flb_lua.c does (flb_lua_pushmsgpack and
 * flb_lua_tomsgpack):
 * - arrays and maps of the record become tables carrying a metatable `{type = 1}` (array) or
 *   `{type = 2}` (map), so an emptied array stays `[]` and a map whose keys are 1..n stays a map;
 * - null becomes nil (the key disappears from its map) unless `enable_flb_null`, where it is the
 *   light userdata `flb_null` and comes back as null;
 * - a table without that metatable (one the script made) is an array when table.maxn finds a
 *   positive whole number n (its values 1..n, holes as null), else, failing that, when all its keys
 *   are positive numbers counting 1..n; otherwise a map (an empty table is `{}`);
 * - a whole number comes back as an integer (LuaJIT has only doubles; flb_lua.c packs a number
 *   equal to its integer part as an integer): JavaScript numbers make no difference anyway;
 * - `type_int_key`/`type_array_key`: in any map, a string key that is a prefix of a configured key
 *   (strncmp over the record key's length, so the empty key matches every one) turns a number into
 *   an integer (truncated) or a table into an array of its 1..#t values.
 * Key order: Fluent Bit's is LuaJIT's hash order, which changes from run to run (its string hashes
 * are seeded); logferry gives the keys of the record that was passed in, in their order, then the
 * new keys in sorted order, so that its output is the same on every run.
 */
import { bigintOf, LuaT, type LuaVm } from './lua-vm.js';

/** flb_lua.h FLB_LUA_L2C_TYPE_ARRAY and FLB_LUA_L2C_TYPE_MAP. */
const TYPE_ARRAY = 1;
const TYPE_MAP = 2;

/** The values of functions, userdata and threads, which Fluent Bit cannot serialize. */
const UNSERIALIZABLE = Symbol('unserializable');

export interface LuaConversion {
  /** `type_int_key` words. */
  readonly intKeys: readonly string[];
  /** `type_array_key` words. */
  readonly arrayKeys: readonly string[];
  /** `enable_flb_null`: null is the light userdata flb_null instead of nil. */
  readonly flbNull: boolean;
}

function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function matchesPrefix(keys: readonly string[], key: string): boolean {
  for (const k of keys) if (k.startsWith(key)) return true;
  return false;
}

export class LuaValues {
  private readonly arrayMeta: number;
  private readonly mapMeta: number;
  private readonly arrayMetaPtr: number;
  private readonly mapMetaPtr: number;
  private readonly typeField: number;

  constructor(
    private readonly vm: LuaVm,
    private readonly conv: LuaConversion,
  ) {
    const r = vm.raw;
    const L = vm.L;
    this.typeField = vm.cstr('type');
    const meta = (type: number): number => {
      r._lua_createtable(L, 0, 1);
      vm.pushString('type');
      r._lua_pushinteger(L, BigInt(type));
      r._lua_rawset(L, -3);
      return r._lua_topointer(L, -1);
    };
    this.arrayMetaPtr = meta(TYPE_ARRAY);
    this.mapMetaPtr = meta(TYPE_MAP);
    // Both stay on the bottom of the stack for the life of the state, at these indexes.
    this.arrayMeta = r._lua_gettop(L) - 1;
    this.mapMeta = r._lua_gettop(L);
  }

  /** Pushes a record value as flb_lua_pushmsgpack does. */
  push(value: unknown): void {
    const vm = this.vm;
    const r = vm.raw;
    const L = vm.L;
    switch (typeof value) {
      case 'string':
        vm.pushString(value);
        return;
      case 'number':
        vm.pushNumber(value);
        return;
      case 'boolean':
        r._lua_pushboolean(L, value ? 1 : 0);
        return;
      case 'object':
        break;
      default:
        r._lua_pushnil(L);
        return;
    }
    if (value === null) {
      if (this.conv.flbNull) r._lua_pushlightuserdata(L, 0);
      else r._lua_pushnil(L);
      return;
    }
    r._lua_checkstack(L, 4);
    if (Array.isArray(value)) {
      r._lua_createtable(L, value.length, 0);
      for (let i = 0; i < value.length; i++) {
        this.push(value[i]);
        r._lua_rawseti(L, -2, bigintOf(i + 1));
      }
      r._lua_pushvalue(L, this.arrayMeta);
    } else {
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      r._lua_createtable(L, 0, keys.length);
      for (const k of keys) {
        vm.pushString(k);
        this.push(obj[k]);
        r._lua_rawset(L, -3);
      }
      r._lua_pushvalue(L, this.mapMeta);
    }
    r._lua_setmetatable(L, -2);
  }

  /**
   * The value at `idx` (an absolute index) as a record value; `order` is the value that was pushed
   * at this place, whose key order a map keeps.
   */
  read(idx: number, order?: unknown): unknown {
    const vm = this.vm;
    const r = vm.raw;
    const L = vm.L;
    switch (r._lua_type(L, idx)) {
      case LuaT.nil:
        return null;
      case LuaT.boolean:
        return r._lua_toboolean(L, idx) !== 0;
      case LuaT.number: {
        const n = vm.toNumber(idx);
        return Number.isFinite(n) ? n : null;
      }
      case LuaT.string:
        return vm.toStr(idx);
      case LuaT.table:
        return this.readTable(idx, order);
      case LuaT.lightuserdata:
        return r._lua_touserdata(L, idx) === 0 ? null : UNSERIALIZABLE;
      default:
        return UNSERIALIZABLE;
    }
  }

  /** The metatable `type` of the table at `idx`: 1 array, other numbers >= 0 map, -1 none. */
  private metaType(idx: number): number {
    const r = this.vm.raw;
    const L = this.vm.L;
    if (r._lua_getmetatable(L, idx) === 0) return -1;
    const p = r._lua_topointer(L, -1);
    let type = -1;
    if (p === this.arrayMetaPtr) type = TYPE_ARRAY;
    else if (p === this.mapMetaPtr) type = TYPE_MAP;
    else if (r._lua_getfield(L, -1, this.typeField) === LuaT.number) {
      type = this.vm.toIntegerLuaJit(-1);
      r._lua_settop(L, -2);
    } else r._lua_settop(L, -2);
    r._lua_settop(L, -2);
    return type;
  }

  /**
   * 1..#t of the table at `idx` (lua_objlen), as lua_toarray_msgpack packs it. Elements take their
   * key order from the array passed in at this place, or, when a map was (records split from one
   * record), from that map.
   */
  private readArray(idx: number, order: unknown): unknown[] {
    const r = this.vm.raw;
    const L = this.vm.L;
    const len = r._lua_rawlen(L, idx);
    const hints = Array.isArray(order) ? order : undefined;
    const shared = hints === undefined ? order : undefined;
    const out: unknown[] = [];
    r._lua_checkstack(L, 4);
    for (let i = 1; i <= len; i++) {
      r._lua_rawgeti(L, idx, bigintOf(i));
      const v = this.read(r._lua_gettop(L), hints ? hints[i - 1] : shared);
      out.push(v === UNSERIALIZABLE ? null : v);
      r._lua_settop(L, -2);
    }
    return out;
  }

  private readTable(idx: number, order: unknown): unknown {
    const type = this.metaType(idx);
    if (type === TYPE_ARRAY) return this.readArray(idx, order);
    const vm = this.vm;
    const r = vm.raw;
    const L = vm.L;
    const hints = order !== null && typeof order === 'object' && !Array.isArray(order) ? (order as Record<string, unknown>) : undefined;
    const conv = this.conv;
    const typed = conv.intKeys.length > 0 || conv.arrayKeys.length > 0;
    const keys: unknown[] = [];
    const values: unknown[] = [];
    r._lua_checkstack(L, 4);
    r._lua_pushnil(L);
    while (r._lua_next(L, idx) !== 0) {
      const top = r._lua_gettop(L);
      const kt = r._lua_type(L, top - 1);
      const key = kt === LuaT.string ? vm.toStr(top - 1) : kt === LuaT.number ? vm.toNumber(top - 1) : kt === LuaT.boolean ? r._lua_toboolean(L, top - 1) !== 0 : UNSERIALIZABLE;
      let value: unknown;
      const vt = r._lua_type(L, top);
      if (typed && typeof key === 'string' && vt === LuaT.number && matchesPrefix(conv.intKeys, key)) value = Math.trunc(vm.toNumber(top));
      else if (typed && typeof key === 'string' && vt === LuaT.table && matchesPrefix(conv.arrayKeys, key)) value = this.readArray(top, hints?.[key]);
      else value = this.read(top, typeof key === 'string' ? hints?.[key] : hints);
      keys.push(key);
      values.push(value);
      r._lua_settop(L, -2);
    }
    if (type < 0) {
      const len = arrayLength(keys);
      if (len > 0) return arrayOf(keys, values, len);
    }
    return mapOf(keys, values, hints);
  }
}

/** flb_lua_arraylength over the keys of a table without Fluent Bit's metatable (> 0: an array). */
function arrayLength(keys: readonly unknown[]): number {
  // table.maxn: the largest positive numeric key; used when it is a whole number.
  let maxn = 0;
  for (const k of keys) if (typeof k === 'number' && k > maxn) maxn = k;
  if (maxn > 0 && Number.isInteger(maxn)) return maxn;
  let max = 0;
  let count = 0;
  for (const k of keys) {
    const n = typeof k === 'number' ? Math.trunc(k) : 0;
    if (n <= 0) return -1;
    if (n > max) max = n;
    count++;
  }
  return max === count ? max : -1;
}

function arrayOf(keys: readonly unknown[], values: readonly unknown[], len: number): unknown[] {
  const out: unknown[] = new Array<unknown>(len).fill(null);
  keys.forEach((k, i) => {
    if (typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= len) {
      const v = values[i];
      out[k - 1] = v === UNSERIALIZABLE ? null : v;
    }
  });
  return out;
}

function keyText(k: unknown): string | undefined {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'boolean') return String(k);
  return undefined;
}

/** A map: the keys of `hints` (the record passed in) first, in their order, then the others sorted. */
function mapOf(keys: readonly unknown[], values: readonly unknown[], hints: Record<string, unknown> | undefined): Record<string, unknown> {
  const found = new Map<string, unknown>();
  keys.forEach((k, i) => {
    const text = keyText(k);
    const v = values[i];
    if (text !== undefined && v !== UNSERIALIZABLE) found.set(text, v);
  });
  const out: Record<string, unknown> = {};
  if (hints) {
    for (const k of Object.keys(hints)) {
      if (!found.has(k)) continue;
      setOwn(out, k, found.get(k));
      found.delete(k);
    }
  }
  if (found.size === 0) return out;
  for (const k of [...found.keys()].sort()) setOwn(out, k, found.get(k));
  return out;
}
