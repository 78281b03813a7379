import type { PluginDefinition, PluginKind } from '../options/define.js';
import dummy from './inputs/dummy/index.js';

/**
 * Every plugin logferry knows, as a static list (no filesystem discovery). Importing this loads
 * only definitions (names and option tables), never engine code.
 */
export const PLUGINS: readonly PluginDefinition[] = [dummy];

/** Fluent Bit plugins logferry recognises by name but does not run yet (name -> what it does). */
export const UNSUPPORTED_PLUGINS: Readonly<Record<PluginKind, Readonly<Record<string, string>>>> = {
  input: {},
  filter: {},
  output: {},
};

export function findPlugin(kind: PluginKind, name: string): PluginDefinition | undefined {
  const n = name.toLowerCase();
  return PLUGINS.find((p) => p.kind === kind && p.name === n);
}
