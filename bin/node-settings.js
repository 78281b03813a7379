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
//
// What the user set wins: a flag in NODE_OPTIONS or on node's command line, a variable in the
// environment. LOGFERRY_NODE_SETTINGS=off runs Node as started.

/** Semi-space size (MB) given to the agent. */
export const AGENT_SEMI_SPACE_MB = 4;

const AGENT_COMMANDS = new Set(['run', 'demo']);
const NOT_AGENT = new Set(['-h', '--help', '-V', '--version', '-']);
const MARK = 'LOGFERRY_NODE_SETTINGS';

/**
 * The node flags and environment the agent should run with, or undefined when this command is not
 * the agent, the settings are turned off, or they are already in place.
 * @param {readonly string[]} args the command line after `logferry`
 * @param {readonly string[]} execArgv node's own flags
 * @param {Record<string, string | undefined>} env
 * @returns {{ execArgv: string[], env: Record<string, string | undefined> } | undefined}
 */
export function agentMemorySettings(args, execArgv, env) {
  const first = args[0];
  const agent = first !== undefined && (AGENT_COMMANDS.has(first) || (first.startsWith('-') && !NOT_AGENT.has(first)));
  if (!agent || env[MARK] !== undefined) return undefined;
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
