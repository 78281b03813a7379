import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt } from '../../../options/kinds.js';
import type { OptionTable, ParseOutcome } from '../../../options/spec.js';

/** `Unix_Perm`: octal permission bits (Fluent Bit: strtol(text, NULL, 8) & 07777). */
function octalMode(text: string): ParseOutcome<number> {
  const t = text.trim();
  if (!/^[0-7]+$/.test(t)) return { ok: false, message: `'${text}' is not an octal permission mode`, hint: 'e.g. 0660' };
  return { ok: true, value: Number.parseInt(t, 8) & 0o7777 };
}

/** The options of `forward` (its own keys; defineInput merges the common ones). */
export const FORWARD_INPUT_OPTIONS = {
  listen: opt.string({ default: '0.0.0.0', doc: 'Address to listen on (ignored with unix_path)' }),
  port: opt.int({ min: 0, max: 65535, default: '24224', doc: 'TCP port to listen on (ignored with unix_path; 0: a free port the system picks)' }),
  host: notActedOn(opt.string({ doc: 'Host (network inputs)' }), 'the forward input listens on Listen; Fluent Bit does not read Host for it either'),
  ipv6: notActedOn(opt.bool({ default: 'off', doc: 'Use IPv6 (network inputs)' }), 'the address family follows Listen (:: listens on IPv6)'),
  'tls.vhost': notActedOn(opt.string({ doc: 'Host name sent in SNI' }), 'a server sends no SNI; clients are not told apart by the name they ask for'),
  'tls.verify_hostname': notActedOn(opt.bool({ default: 'off', doc: 'Verify that the certificate matches the host name' }), "a client certificate is checked against the CAs only, not against the client's name"),
  tag_prefix: opt.string({ doc: "Prefix of the sender's tag (takes precedence over Tag)" }),
  shared_key: opt.string({ doc: 'Shared key of the secure forward handshake (HELO, PING, PONG)' }),
  self_hostname: opt.string({ default: 'localhost', doc: 'Host name this side gives in the handshake' }),
  'security.users': opt.string({ multiple: true, doc: 'A `user password` pair clients must authenticate with (needs shared_key or empty_shared_key); repeat for several' }),
  empty_shared_key: opt.bool({ default: 'false', doc: 'Use an empty string as the shared key' }),
  unix_path: opt.string({ doc: 'Listen on this Unix socket instead of TCP' }),
  unix_perm: opt.custom('octal', { doc: 'Permissions of the Unix socket (octal, e.g. 0660)' }, octalMode),
  buffer_chunk_size: opt.size({ default: '1024000', doc: 'First read buffer of a connection; a frame up to the larger of this and buffer_max_size is accepted' }),
  buffer_max_size: opt.size({ default: '6144000', doc: 'Largest frame a connection may send; a larger one closes the connection' }),
} as const satisfies OptionTable;

/** The typed options the `forward` input runtime receives (common keys included). */
export type ForwardInputOptions = OptionsOfTable<'input', typeof FORWARD_INPUT_OPTIONS>;

/** Cross-key rules of the `forward` input (the definition's `check`), as in_fw_init refuses them. */
export function checkForwardInput(o: ForwardInputOptions, ctx: CheckContext): void {
  for (const pair of o['security.users'] ?? []) {
    if (!/^\S+\s+\S/.test(pair.trim())) ctx.report('invalid-value', 'security.users must be a user name and a password separated by a space', { key: 'security.users' });
  }
  if ((o['security.users'] ?? []).length > 0 && o.shared_key === undefined && !o.empty_shared_key) {
    ctx.report('invalid-value', "security.users is set but no 'shared_key' or 'empty_shared_key': Fluent Bit refuses to start", { key: 'security.users' });
  }
  if (o.port === 0 && o.unix_path === undefined) {
    ctx.report('invalid-value', 'Port 0: Fluent Bit reads it as unset and listens on 24224; logferry listens on a free port the system picks', { key: 'port', severity: 'warning' });
  }
  if (o.tls && (o['tls.crt_file'] === undefined || o['tls.key_file'] === undefined)) {
    ctx.report('invalid-value', 'tls On needs tls.crt_file and tls.key_file: a TLS server has no certificate without them', { key: 'tls' });
  }
  if (o.buffer_max_size < o.buffer_chunk_size) {
    ctx.report('invalid-value', `buffer_max_size ${o.buffer_max_size} is below buffer_chunk_size ${o.buffer_chunk_size}: frames up to buffer_chunk_size are accepted`, { key: 'buffer_max_size', severity: 'warning' });
  }
}
