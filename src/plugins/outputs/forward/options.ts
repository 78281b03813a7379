import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt } from '../../../options/kinds.js';
import type { OptionTable } from '../../../options/spec.js';
import { parseAccessorTemplate } from '../../../record/template.js';
import { FORWARD_UNSUPPORTED_NET } from '../shared/net-options.js';

/** The options of the `forward` output (its own keys; defineOutput merges the common ones). */
export const FORWARD_OUTPUT_OPTIONS = {
  ...FORWARD_UNSUPPORTED_NET,
  host: opt.string({ default: '127.0.0.1', doc: 'Host of the Fluentd or Fluent Bit server' }),
  port: opt.int({ min: 0, max: 65535, default: '24224', doc: 'Port of the server' }),
  ipv6: notActedOn(opt.bool({ default: 'off', doc: 'Use IPv6' }), "the address family follows what the system resolver returns for Host (an IPv6 address connects over IPv6)"),
  unix_path: opt.string({ doc: 'Connect to this Unix socket instead of Host and Port' }),
  upstream: opt.unsupported({
    doc: 'Upstream file listing several servers (load balancing and failover)',
    reason: 'Upstream files are not read: records go to Host and Port (or Unix_Path) only',
  }),
  tag: opt.string({ doc: "Tag sent instead of the record's; a record accessor ($key) sends each record in message mode with its own tag" }),
  time_as_integer: opt.bool({ default: 'false', doc: 'Send times as whole seconds (Fluentd v0.12) instead of EventTime' }),
  retain_metadata_in_forward_mode: opt.bool({ default: 'false', doc: 'Send entries as [[time, metadata], record] (Fluent Bit v2 format) instead of [time, record]' }),
  send_options: opt.bool({ default: 'false', doc: 'Send the options map (size, fluent_signal, ...) with each message' }),
  require_ack_response: opt.bool({ default: 'false', doc: 'Ask the server to acknowledge each chunk; no ack means retry (implies send_options)' }),
  compress: opt.enum({ values: ['text', 'gzip'] as const, doc: 'gzip sends CompressedPackedForward messages (implies send_options); text sends them uncompressed' }),
  shared_key: opt.string({ doc: 'Shared key of the secure forward handshake' }),
  empty_shared_key: opt.bool({ default: 'false', doc: 'Use an empty string as the shared key' }),
  self_hostname: opt.string({ default: 'localhost', doc: 'Host name this side gives in the handshake' }),
  username: opt.string({ default: '', doc: 'User name sent in the handshake when the server asks for user authentication' }),
  password: opt.string({ default: '', doc: 'Password of username' }),
  add_option: opt.custom(
    'slist',
    { multiple: true, doc: 'An extra `key value` pair of the options map (implies send_options); repeat for several' },
    (t) => {
      const m = /^(\S+)\s+(.+)$/.exec(t.trim());
      return m ? { ok: true, value: [m[1]!, m[2]!.trim()] as const } : { ok: false, message: `'${t}' is not a key and a value separated by a space` };
    },
  ),
  fluentd_compat: notActedOn(opt.bool({ default: 'false', doc: 'Send metrics and traces in a Fluentd-compatible format' }), 'logferry carries logs only; the format of metrics and traces does not arise'),
  workers: opt.int({ default: '2', min: 0, doc: 'Worker threads flushing this output' }),
} as const satisfies OptionTable;

/** The typed options the `forward` output runtime receives (common keys included). */
export type ForwardOutputOptions = OptionsOfTable<'output', typeof FORWARD_OUTPUT_OPTIONS>;

/** True when the Tag reads record keys (message mode), as flb_ra_is_static says otherwise. */
export function tagReadsRecords(tag: string | undefined): boolean {
  if (tag === undefined) return false;
  const t = parseAccessorTemplate(tag);
  return t.ok && t.parts.some((p) => p.type === 'key');
}

/** Cross-key rules of the `forward` output (the definition's `check`), as config_set_properties refuses them. */
export function checkForwardOutput(o: ForwardOutputOptions, ctx: CheckContext): void {
  if (o.tag !== undefined && o.tag.includes('$')) {
    const t = parseAccessorTemplate(o.tag);
    if (!t.ok) ctx.report('invalid-value', `tag: ${t.message}`, { key: 'tag', ...(t.hint ? { hint: t.hint } : {}) });
    else if (t.parts.some((p) => p.type === 'group')) ctx.report('invalid-value', `tag '${o.tag}' refers to a regex capture group; there is none here`, { key: 'tag' });
  }
  if (o.shared_key === undefined && !o.empty_shared_key && (o.username !== '' || o.password !== '')) {
    ctx.report('invalid-value', "'username'/'password' is set but no 'shared_key' or 'empty_shared_key': user authentication is part of the secure forward handshake", {
      key: o.username !== '' ? 'username' : 'password',
    });
  }
  if (o.compress === 'gzip' && o.time_as_integer) {
    ctx.report('invalid-value', 'compress gzip is incompatible with time_as_integer: Fluent Bit refuses to start', { key: 'compress' });
  }
  if (o.compress === 'gzip' && tagReadsRecords(o.tag)) {
    ctx.report('invalid-value', 'compress gzip is incompatible with a tag read from records: Fluent Bit refuses to start', { key: 'compress' });
  }
}
