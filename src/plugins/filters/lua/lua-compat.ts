/**
 * Lua 5.1 / LuaJIT names that Fluent Bit scripts use and Lua 5.4 removed, defined again where it is
 * cheap (run before the script): `unpack`, `loadstring`, `table.getn`, `table.maxn`, `math.pow`,
 * `math.ldexp`, `math.log10`, and LuaJIT's `bit` module (32-bit operations). Number formatting as
 * LuaJIT does it where a function does it: `tostring`, `print` and `string.format('%s')` write a
 * float as `%.14g` (`5`, not Lua 5.4's `5.0`), and `string.format`'s integer conversions truncate a
 * float (Lua 5.4 raises "number has no integer representation"). What cannot be bridged (the `..`
 * operator on floats, setfenv/getfenv, ffi, jit) is listed in the README.
 */
export const LUA_COMPAT_PRELUDE = `
unpack = unpack or table.unpack
loadstring = loadstring or load
table.getn = table.getn or function(t) return #t end
table.maxn = table.maxn or function(t)
  local n = 0
  for k in pairs(t) do
    if type(k) == 'number' and k > n then n = k end
  end
  return n
end
math.pow = math.pow or function(x, y) return x ^ y end
math.ldexp = math.ldexp or function(m, e) return m * 2.0 ^ e end
math.log10 = math.log10 or function(x) return math.log(x, 10) end
do
  local tostring54, print54, format54 = tostring, print, string.format
  local mtype, floor, ceil, pack, unpack54 = math.type, math.floor, math.ceil, table.pack, table.unpack
  tostring = function(v)
    if mtype(v) == 'float' then return format54('%.14g', v) end
    return tostring54(v)
  end
  print = function(...)
    local args = pack(...)
    for i = 1, args.n do args[i] = tostring(args[i]) end
    return print54(unpack54(args, 1, args.n))
  end
  local INTEGER = { d = true, i = true, o = true, u = true, x = true, X = true, c = true }
  string.format = function(fmt, ...)
    local args = pack(...)
    local i, pos = 0, 1
    while true do
      local s, e, conv = string.find(fmt, '%%[-+ #0]*%d*%.?%d*(.)', pos)
      if s == nil then break end
      pos = e + 1
      if conv ~= '%' then
        i = i + 1
        local v = args[i]
        if mtype(v) == 'float' then
          if INTEGER[conv] and v == v and v ~= 1 / 0 and v ~= -1 / 0 then
            args[i] = v >= 0 and floor(v) or ceil(v)
          elseif conv == 's' then
            args[i] = tostring(v)
          end
        end
      end
    end
    return format54(fmt, unpack54(args, 1, args.n))
  end
end
if bit == nil then
  local function tobit(x)
    x = math.floor(x) % 4294967296
    if x >= 2147483648 then x = x - 4294967296 end
    return math.tointeger(x) or x
  end
  local function fold(op)
    return function(a, ...)
      local r = tobit(a)
      for i = 1, select('#', ...) do r = op(r, tobit((select(i, ...)))) end
      return tobit(r)
    end
  end
  bit = {
    tobit = tobit,
    band = fold(function(a, b) return a & b end),
    bor = fold(function(a, b) return a | b end),
    bxor = fold(function(a, b) return a ~ b end),
    bnot = function(a) return tobit(~tobit(a)) end,
    lshift = function(a, n) return tobit((tobit(a) & 0xffffffff) << (tobit(n) & 31)) end,
    rshift = function(a, n) return tobit((tobit(a) & 0xffffffff) >> (tobit(n) & 31)) end,
    arshift = function(a, n) return tobit(tobit(a) // (1 << (tobit(n) & 31))) end,
    tohex = function(a, n) return string.format('%0' .. (n or 8) .. 'x', tobit(a) & 0xffffffff) end,
  }
end
`;
