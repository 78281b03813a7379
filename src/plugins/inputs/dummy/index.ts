import { defineInput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';

/** `dummy`: generates records from a JSON template (Fluent Bit `in_dummy`). */
export default defineInput({
  name: 'dummy',
  description: 'Generate dummy records (testing and benchmarks)',
  options: {
    dummy: opt.custom('json', { default: '{"message":"dummy"}', doc: 'The record to emit, as a JSON object' }, (t) => {
      try {
        const v: unknown = JSON.parse(t);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, message: `'${t}' is not a JSON object` };
        return { ok: true, value: v as Readonly<Record<string, unknown>> };
      } catch (err) {
        return { ok: false, message: `'${t}' is not valid JSON: ${(err as Error).message}` };
      }
    }),
    rate: opt.int({ default: '1', min: 1, doc: 'Records per second' }),
    samples: opt.int({ default: '0', min: 0, doc: 'Stop after this many records (0 = no limit)' }),
    copies: opt.int({ default: '1', min: 1, doc: 'Records emitted per event' }),
  },
});
