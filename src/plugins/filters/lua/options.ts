import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt, unsupportedWhen } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { splitFlb } from '../../../options/tokenize.js';
import { luaSyntaxError } from './syntax-check.js';

/** flb_lua.h FLB_LUA_L2C_TYPES_NUM_MAX: `type_int_key`/`type_array_key` are split at most this many times. */
const L2C_TYPES_NUM_MAX = 16;

/** `flb_utils_split(value, ' ', 16)` as lua_config.c splits the type keys. */
function parseKeyWords(text: string): ParseOutcome<readonly string[]> {
  const split = splitFlb(text, { maxSplit: L2C_TYPES_NUM_MAX });
  return split.ok ? { ok: true, value: split.tokens } : { ok: false, message: split.message };
}

/** The options of `lua` (plugins/filter_lua/lua.c config_map; its own keys, defineFilter merges the common ones). */
export const LUA_OPTIONS = {
  script: opt.string({ doc: 'Path of the Lua script: as given (from the working directory), else from the main configuration file\'s directory' }),
  code: opt.string({ doc: 'Lua source code of the script, inline (used instead of Script when both are set)' }),
  call: opt.string({ doc: 'Name of the Lua function called for every record: cb(tag, timestamp, record) returning code, timestamp, record' }),
  type_int_key: opt.custom('slist', { doc: 'Keys whose number values are converted to integers (truncated) on the way back from Lua; space separated' }, parseKeyWords),
  type_array_key: opt.custom('slist', { doc: 'Keys whose table values are converted to arrays on the way back from Lua; space separated' }, parseKeyWords),
  protected_mode: unsupportedWhen(opt.bool({ default: 'true', doc: 'Call the function in protected mode: a Lua error leaves the records as they were instead of crashing' }), {
    when: (v) => !v,
    values: 'Off',
    reason: 'logferry always calls the function in protected mode; a Lua error is logged and counted and its batch passes unchanged, where Fluent Bit without protection aborts the process',
    severity: 'warning',
  }),
  time_as_table: opt.bool({ default: 'false', doc: 'Pass the timestamp as a table {sec = ..., nsec = ...} instead of a number of seconds' }),
  enable_flb_null: opt.bool({ default: 'false', doc: 'Pass null values as the light userdata flb_null instead of nil, so that their keys stay' }),
} as const;

/** The typed options the `lua` runtime receives (common keys included). */
export type LuaOptions = OptionsOfTable<'filter', typeof LUA_OPTIONS>;

/** `path`: the file to read; `name`: the path as Fluent Bit names it (the chunk name of Lua's messages). */
export type ScriptLocation = { readonly ok: true; readonly path: string; readonly name: string } | { readonly ok: false; readonly message: string; readonly hint?: string };

/**
 * lua_config.c: the script path as given (relative to the working directory); when it does not
 * exist and is relative, the main configuration file's directory + the path; then it must be readable.
 */
export function locateScript(script: string, configDir: string | undefined, cwd = process.cwd()): ScriptLocation {
  let path = script;
  const direct = statSync(isAbsolute(script) ? script : join(cwd, script), { throwIfNoEntry: false });
  if (!direct) {
    if (isAbsolute(script)) return { ok: false, message: `cannot access script '${script}': no such file` };
    if (configDir !== undefined) path = join(configDir, script);
  }
  const resolved = isAbsolute(path) ? path : join(cwd, path);
  try {
    accessSync(resolved, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      message: `cannot access script '${script}'${code === 'ENOENT' ? ': no such file' : code === 'EACCES' ? ': permission denied' : ''}`,
      hint: isAbsolute(script) ? undefined : `a relative path is looked up from the working directory, then from ${configDir ?? 'the configuration file\'s directory'}`,
    };
  }
  if (statSync(resolved).isDirectory()) return { ok: false, message: `cannot load script '${script}': it is a directory` };
  return { ok: true, path: resolved, name: path };
}

/** A script that does not compile (cb_lua_pre_run loads it without running it, and stops at start). */
function checkSyntax(source: string, chunkname: string, key: string, ctx: CheckContext): void {
  const message = luaSyntaxError(source, chunkname);
  if (message === undefined) return;
  // flb_luajit_load_script / flb_luajit_load_buffer say "script" or "buffer".
  ctx.report('invalid-value', `error loading ${key === 'code' ? 'buffer' : 'script'}: ${message}`, {
    key,
    hint: 'Fluent Bit refuses to start this filter (checked with Lua 5.4; LuaJIT reads the same syntax, without 5.4 additions such as // and the bitwise operators)',
  });
}

/** What lua_config_create and cb_lua_pre_run refuse (Fluent Bit stops at start). */
export function checkLua(options: LuaOptions, ctx: CheckContext): void {
  if (options.code === undefined) {
    if (options.script === undefined) {
      ctx.report('missing-required', 'lua needs Script (a file) or Code (inline source): no script path defined', { hint: 'Fluent Bit refuses to start this filter' });
    } else {
      const where = locateScript(options.script, ctx.configDir);
      if (!where.ok) ctx.report('include-not-found', where.message, { key: 'script', hint: where.hint ?? 'Fluent Bit refuses to start this filter' });
      else checkSyntax(readFileSync(where.path, 'utf8'), `@${where.name}`, 'script', ctx);
    }
  } else {
    if (options.script !== undefined) ctx.report('invalid-value', 'Code and Script are both set: Fluent Bit runs Code and ignores Script', { key: 'script', severity: 'warning' });
    checkSyntax(options.code, 'fluentbit.lua', 'code', ctx);
  }
  if (options.call === undefined) {
    ctx.report('missing-required', "lua needs Call, the name of the function to call: function name defined by 'call' is not set", {
      hint: 'Fluent Bit refuses to start this filter',
    });
  }
}
