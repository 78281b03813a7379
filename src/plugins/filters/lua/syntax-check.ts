/**
 * `validate` compiles a lua filter's script as Fluent Bit's pre-run does (luaL_loadbuffer, the chunk
 * is not run), so that a Lua syntax error is a diagnostic at the Script or Code line. Plan checks
 * are synchronous and Lua is WebAssembly (whose start is asynchronous): the compile runs in a
 * worker thread while this thread waits on a shared word (Atomics.wait). Nothing of the lua runtime
 * is imported here. When the check cannot run (no wasmoon, a worker that fails or takes more than
 * 10 s), it says nothing: `run` still stops on the error at start. The lua options table loads
 * this module for every config, so node:worker_threads is taken only when a script is checked
 * (bench/NOTES.md, "Builtins loaded at start").
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';

/** State words: [0] 0 while compiling, 1 compiled (message length in [1], 0 when it compiles), 2 could not check. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { state, text } = workerData;
function done(code, message) {
  const bytes = Buffer.from(message, 'utf8').subarray(0, text.length);
  text.set(bytes);
  state[1] = bytes.length;
  Atomics.store(state, 0, code);
  Atomics.notify(state, 0);
}
(async () => {
  const { LuaWasm } = require(workerData.wasmoon);
  const lua = await LuaWasm.initialize();
  const m = lua.module;
  const L = m._luaL_newstate();
  const source = Buffer.from(workerData.source, 'utf8');
  const name = Buffer.from(workerData.chunkname + '\\0', 'utf8');
  const s = m._malloc(source.length + 1);
  const n = m._malloc(name.length);
  m.HEAPU8.set(source, s);
  m.HEAPU8.set(name, n);
  const failed = m._luaL_loadbufferx(L, s, source.length, n, 0) !== 0;
  done(1, failed ? String(lua.lua_tolstring(L, -1, null)) : '');
})().catch(() => done(2, ''));
`;

const TIMEOUT_MS = 10_000;

/** Lua's message when `source` does not compile (`chunkname` as luaL_loadbuffer names it), else undefined. */
export function luaSyntaxError(source: string, chunkname: string): string | undefined {
  let wasmoon: string;
  try {
    wasmoon = createRequire(import.meta.url).resolve('wasmoon');
  } catch {
    return undefined;
  }
  const state = new Int32Array(new SharedArrayBuffer(8));
  const text = new Uint8Array(new SharedArrayBuffer(4096));
  let worker: Worker;
  try {
    const threads = process.getBuiltinModule('node:worker_threads');
    worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: { wasmoon, source, chunkname, state, text } });
  } catch {
    return undefined;
  }
  worker.on('error', () => {
    Atomics.store(state, 0, 2);
    Atomics.notify(state, 0);
  });
  worker.unref();
  Atomics.wait(state, 0, 0, TIMEOUT_MS);
  void worker.terminate();
  if (Atomics.load(state, 0) !== 1 || state[1] === 0) return undefined;
  return Buffer.from(text.subarray(0, state[1])).toString('utf8');
}
