import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { FILE_OPTIONS, checkFile } from './options.js';

/** `file`: writes records to files, one file per tag by default (Fluent Bit `out_file`). */
export default defineOutput({
  name: 'file',
  description: 'Write records to files',
  options: FILE_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./file-output.js')).FileOutput(options, ctx),
  check: checkFile,
});
