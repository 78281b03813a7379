// Node's settings for the agent (`logferry run`, `logferry demo`, or Fluent Bit's command line),
// which Node takes only when it starts; bin/logferry.js starts Node again with them. Plain
// JavaScript beside the command, read before anything is loaded. Figures: bench/NOTES.md, "Memory
// through an outage".
//
// - `--max-semi-space-size`: V8's young generation. Node 24 lets it grow to 32 MB per semi-space
//   (64-96 MB of heap) when allocation is fast, as while a backlog drains; the agent's records are
//   in Buffers outside the heap, so a small young generation costs little CPU and keeps tens of MB.
// - glibc: `MALLOC_ARENA_MAX` 2 (one arena per thread by default, each keeping freed memory). Not
//   a fixed `MALLOC_MMAP_THRESHOLD_`: chunk buffers would then be mapped fresh each time, and the
//   page faults of filling them cost 2.7 ms per MB on a VM (released chunks are freed at once, so
//   glibc's heap reuses their memory instead).
// - `--heap-growing-percent`: how far V8's old generation may grow past what the last full
//   collection kept before the next one. V8 picks up to 4x by itself; the agent's old generation
//   holds ~10 MB that lives and the short-lived record objects a 4 MB young generation promotes,
//   so while a backlog drains it filled with 12-25 MB of garbage before a full collection came.
//   Node refuses this flag in NODE_OPTIONS (the image sets the others there and starts Node once),
//   and V8 reads it at every full collection, so the agent sets it on itself when it starts
//   (agentRuntimeFlags, applied by bin/logferry.js with v8.setFlagsFromString).
//
// What the user set wins: a flag in NODE_OPTIONS or on node's command line, a variable in the
// environment. LOGFERRY_NODE_SETTINGS=off runs Node as started.

/** Semi-space size (MB) given to the agent. */
export const AGENT_SEMI_SPACE_MB = 4;

/**
 * Old generation growth (%) allowed between V8's full collections in the agent: 10 and 20 gave the
 * same outage peak with more collections, 100 none of the gain (bench/NOTES.md, "sixth pass").
 */
export const AGENT_HEAP_GROWING_PERCENT = 50;

const AGENT_COMMANDS = new Set(['run', 'demo']);
const NOT_AGENT = new Set(['-h', '--help', '-V', '--version', '-']);
const MARK = 'LOGFERRY_NODE_SETTINGS';

/** @param {readonly string[]} args the command line after `logferry` */
function isAgent(args) {
  const first = args[0];
  return first !== undefined && (AGENT_COMMANDS.has(first) || (first.startsWith('-') && !NOT_AGENT.has(first)));
}

/**
 * The node flags and environment the agent should run with, or undefined when this command is not
 * the agent, the settings are turned off, or they are already in place.
 * @param {readonly string[]} args the command line after `logferry`
 * @param {readonly string[]} execArgv node's own flags
 * @param {Record<string, string | undefined>} env
 * @returns {{ execArgv: string[], env: Record<string, string | undefined> } | undefined}
 */
export function agentMemorySettings(args, execArgv, env) {
  if (!isAgent(args) || env[MARK] !== undefined) return undefined;
  const flags = [...execArgv];
  const nodeOptions = env.NODE_OPTIONS ?? '';
  const semiSpaceSet = /--max-semi-space-size\b/.test(`${execArgv.join(' ')} ${nodeOptions}`);
  // Both already set (a deployment's NODE_OPTIONS and environment): starting Node again would change
  // nothing and cost a whole Node start (60-90 ms of CPU; bench/NOTES.md, "Low-rate CPU (issue 19)").
  if (semiSpaceSet && env.MALLOC_ARENA_MAX !== undefined) return undefined;
  if (!semiSpaceSet) flags.unshift(`--max-semi-space-size=${AGENT_SEMI_SPACE_MB}`);
  return {
    execArgv: flags,
    env: { MALLOC_ARENA_MAX: '2', ...env, [MARK]: 'applied' },
  };
}

/**
 * The V8 flags the agent sets on itself once it runs (`v8.setFlagsFromString`): those V8 reads
 * while it runs and Node refuses in NODE_OPTIONS. None for other commands, with
 * LOGFERRY_NODE_SETTINGS=off, or when node's command line sets the flag (the user's wins).
 * @param {readonly string[]} args the command line after `logferry`
 * @param {readonly string[]} execArgv node's own flags
 * @param {Record<string, string | undefined>} env
 * @returns {string[]}
 */
export function agentRuntimeFlags(args, execArgv, env) {
  if (!isAgent(args) || (env[MARK] !== undefined && env[MARK] !== 'applied')) return [];
  if (execArgv.some((flag) => /^--heap[-_]growing[-_]percent\b/.test(flag))) return [];
  return [`--heap-growing-percent=${AGENT_HEAP_GROWING_PERCENT}`];
}
