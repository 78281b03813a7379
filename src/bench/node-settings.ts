/**
 * The environment logferry runs with in the pipeline scenarios. On a node logferry runs from the
 * container image, whose Dockerfile gives Node the agent's settings in its environment
 * (NODE_OPTIONS, MALLOC_ARENA_MAX), so Node starts once. Started without them, as `npx logferry`
 * starts it, bin/logferry.js replaces its process to apply them: a second Node start (~0.1 s of
 * CPU, bench/NOTES.md, "Firehose at Fluent Bit's CPU") in every run of every scenario.
 * `--node-settings image` (the default) measures the agent as the image runs it; `restart` as the
 * npm package's command starts it.
 */

/** How the bench starts logferry: with the image's environment, or without (bin/logferry.js restarts Node). */
export type NodeSettingsMode = 'image' | 'restart';

export const NODE_SETTINGS_MODES: readonly NodeSettingsMode[] = ['image', 'restart'];

/** What the Dockerfile's `ENV` sets for the agent (test/deploy/dockerfile.test.ts holds them equal). */
export const IMAGE_NODE_SETTINGS: Readonly<Record<'NODE_OPTIONS' | 'MALLOC_ARENA_MAX', string>> = {
  NODE_OPTIONS: '--max-semi-space-size=4',
  MALLOC_ARENA_MAX: '2',
};

/**
 * The variables logferry's process gets on top of the bench's own environment: the image's
 * settings, NODE_OPTIONS appended to what the bench was given (a `--cpu-prof` stays), or nothing.
 */
export function logferryEnvironment(mode: NodeSettingsMode, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  if (mode === 'restart') return {};
  const given = env['NODE_OPTIONS']?.trim() ?? '';
  return {
    NODE_OPTIONS: given === '' ? IMAGE_NODE_SETTINGS.NODE_OPTIONS : `${given} ${IMAGE_NODE_SETTINGS.NODE_OPTIONS}`,
    MALLOC_ARENA_MAX: env['MALLOC_ARENA_MAX'] ?? IMAGE_NODE_SETTINGS.MALLOC_ARENA_MAX,
  };
}

export function isNodeSettingsMode(value: string): value is NodeSettingsMode {
  return (NODE_SETTINGS_MODES as readonly string[]).includes(value);
}
