import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentMemorySettings } from '../support/node-settings.js';
import { IMAGE_NODE_SETTINGS, logferryEnvironment } from '../../src/bench/node-settings.js';
import { runCli } from '../support/cli.js';

describe('the Node settings logferry runs with in the bench', () => {
  it('image: the image environment, after NODE_OPTIONS the bench was given, and no restart of Node', () => {
    fc.assert(
      fc.property(fc.constantFrom(undefined, '', '--cpu-prof', '--cpu-prof --cpu-prof-dir=/tmp/p'), (given) => {
        const env = logferryEnvironment('image', given === undefined ? {} : { NODE_OPTIONS: given });
        const options = env['NODE_OPTIONS']!.split(' ');
        expect(options.at(-1)).toBe(IMAGE_NODE_SETTINGS.NODE_OPTIONS);
        expect(options.slice(0, -1).join(' ')).toBe(given?.trim() ?? '');
        expect(env['MALLOC_ARENA_MAX']).toBe(IMAGE_NODE_SETTINGS.MALLOC_ARENA_MAX);
        expect(agentMemorySettings(['run'], [], env)).toBeUndefined();
      }),
    );
  });

  it('restart: nothing added, so bin/logferry.js starts Node again with its settings', () => {
    const env = logferryEnvironment('restart', { NODE_OPTIONS: '--cpu-prof' });
    expect(env).toEqual({});
    expect(agentMemorySettings(['run'], [], env)).toBeDefined();
  });

  it('refuses an unknown --node-settings with a usage error naming the choices', async () => {
    const r = await runCli(['bench', 'tail-null', '--node-settings', 'fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--node-settings is one of image, restart, got 'fast'/);
  });
});
