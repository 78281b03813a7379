import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { atoi } from '../../../options/units.js';
import { DOWNSTREAM_NET_KEYS } from '../shared/listener-options.js';
import { unescapeSeparator } from './frames.js';

/** Fluent Bit's in_tcp port when Port is unset or 0. */
export const TCP_DEFAULT_PORT = 5170;

/** Chunk_Size / Buffer_Size: kilobytes read with atoi (`32` is 32768 bytes; `32k` is also 32). */
function kilobytes(text: string): ParseOutcome<number> {
  const t = text.trim();
  const n = atoi(t);
  if (!/^\d/.test(t)) return { ok: false, message: `'${text}' is not a number of kilobytes`, hint: 'write a whole number of KB, e.g. 32' };
  if (n <= 0) return { ok: false, message: `'${text}' must be at least 1 (kilobytes)` };
  const bytes = n * 1024;
  return /^\d+$/.test(t) ? { ok: true, value: bytes } : { ok: true, value: bytes, warning: `Fluent Bit reads '${text}' as ${n} KB (atoi): the value is a number of kilobytes` };
}

/** The options of `tcp` (its own keys; defineInput merges the common ones). */
export const TCP_OPTIONS = {
  ...DOWNSTREAM_NET_KEYS,
  'net.keepalive': notActedOn(DOWNSTREAM_NET_KEYS['net.keepalive'], 'a tcp connection stays open until the client closes it'),
  listen: opt.string({ default: '0.0.0.0', doc: 'Address to listen on' }),
  port: opt.int({ default: '5170', min: 0, max: 65535, doc: 'TCP port to listen on (0 = 5170)' }),
  format: opt.enum({ values: ['json', 'none'] as const, default: 'json', doc: 'json: concatenated JSON maps (an array is one record under msg); none: text records cut at Separator, under log' }),
  separator: opt.custom('string', { default: '\\n', doc: 'Record separator of Format none; \\n, \\t, \\r, \\\\ (and \\a \\b \\v \\f) are unescaped' }, (text): ParseOutcome<string> => {
    const sep = unescapeSeparator(text);
    return sep.length === 0 ? { ok: false, message: `separator '${text}' is empty once unescaped`, hint: 'write e.g. \\n or \\r\\n or |' } : { ok: true, value: sep };
  }),
  chunk_size: opt.custom('kilobytes', { default: '32', doc: 'Read buffer allocation step, in KB' }, kilobytes),
  buffer_size: opt.custom('kilobytes', { doc: 'Largest pending message of a connection, in KB (default: Chunk_Size); beyond it the connection is closed' }, kilobytes),
  source_address_key: opt.string({ doc: 'Key receiving the client address (tcp://ip:port) in each record of Format json' }),
} as const;

/** The typed options the `tcp` runtime receives (common keys included). */
export type TcpOptions = OptionsOfTable<'input', typeof TCP_OPTIONS>;

/** Cross-key rules of `tcp` (the definition's `check`). */
export function checkTcp(o: TcpOptions, ctx: CheckContext): void {
  if (o.format === 'json' && ctx.isSet('separator')) {
    ctx.report('invalid-value', 'Separator only applies to Format none; JSON messages need no separator', { key: 'separator', severity: 'warning' });
  }
  if (o.format === 'none' && o.source_address_key !== undefined) {
    ctx.report('ineffective-option', 'Source_Address_Key only applies to Format json: Fluent Bit adds no address to text records', { key: 'source_address_key' });
  }
  if (o.buffer_size !== undefined && o.buffer_size < o.chunk_size) {
    ctx.report('invalid-value', `Buffer_Size ${o.buffer_size / 1024} KB is below Chunk_Size ${o.chunk_size / 1024} KB: a message of up to Chunk_Size is accepted`, { key: 'buffer_size', severity: 'warning' });
  }
  if (o.tls && (!o['tls.crt_file'] || !o['tls.key_file'])) {
    ctx.report('missing-required', 'tls On needs tls.crt_file and tls.key_file on a listening input', { key: 'tls' });
  }
}
