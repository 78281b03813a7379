/**
 * Options of the internal `emitter` input that rewrite_tag and the buffered multiline filter create
 * to re-inject records at the start of the pipeline (same names and defaults in both config maps).
 */
import type { EmitterSettings } from '../../../engine/plugin.js';
import { opt } from '../../../options/kinds.js';
import type { OptionsOf } from '../../../options/spec.js';

export const EMITTER_OPTIONS = {
  emitter_name: opt.string({
    doc: 'Name of the internal emitter input that re-injects records (default: emitter_for_<filter instance name>)',
  }),
  'emitter_storage.type': opt.enum({
    values: ['memory', 'filesystem'] as const,
    default: 'memory',
    doc: 'Where the emitter buffers re-injected records (filesystem needs [SERVICE] storage.path)',
  }),
  emitter_mem_buf_limit: opt.size({
    default: '10M',
    doc: 'Pause the emitter when this much is buffered in memory',
  }),
} as const;

/** The emitter a filter asks its context for (FilterContext.emitter), from its typed emitter options. */
export function emitterSettings(o: OptionsOf<typeof EMITTER_OPTIONS>): EmitterSettings {
  return { name: o.emitter_name, memBufLimit: o.emitter_mem_buf_limit };
}
