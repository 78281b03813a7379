/** bin/node-settings.js (plain JavaScript beside the command, no declarations) with its types. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cli.js';

type Env = Record<string, string | undefined>;

interface NodeSettingsModule {
  agentMemorySettings(args: readonly string[], execArgv: readonly string[], env: Env): { execArgv: string[]; env: Env } | undefined;
}

const loaded = (await import(pathToFileURL(join(REPO_ROOT, 'bin', 'node-settings.js')).href)) as NodeSettingsModule;

/** Node's flags and environment bin/logferry.js restarts the agent with, or undefined (no restart). */
export const agentMemorySettings = loaded.agentMemorySettings;
