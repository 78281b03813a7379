import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { SYSTEMD_OPTIONS, checkSystemd } from './options.js';

/** `systemd`: reads the systemd journal through `journalctl` (Fluent Bit `in_systemd`). */
export default defineInput({
  name: 'systemd',
  description: 'Read the systemd journal (through journalctl) and emit one record per entry',
  options: SYSTEMD_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./systemd-input.js')).SystemdInput(options, ctx),
  check: checkSystemd,
});
