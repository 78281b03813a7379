/**
 * Keys every plugin instance accepts, handled by Fluent Bit's core rather than the plugin
 * (`flb_input_set_property`, `flb_filter_set_property`, `flb_output_set_property`, the upstream
 * `net.*` config map). Declared once here and merged into each plugin by `define*`.
 */
import { notActedOn, opt, unsupportedWhen } from './kinds.js';
import type { ParseOutcome } from './spec.js';
import { atoi } from './units.js';

/** log_suppress_interval's reason: logferry writes every log line. */
const NO_LOG_SUPPRESSION = 'repeated log messages are not suppressed: every message is logged';

/** `Retry_Limit`: a number, `no_limits`/`false`/`off` (unlimited, as `Infinity`) or `no_retries` (0). */
export function parseRetryLimit(text: string): ParseOutcome<number> {
  const t = text.trim().toLowerCase();
  if (t === 'no_limits' || t === 'false' || t === 'off') return { ok: true, value: Number.POSITIVE_INFINITY };
  if (t === 'no_retries') return { ok: true, value: 0 };
  if (/^\d+$/.test(t) && Number(t) > 0) return { ok: true, value: Number(t) };
  const n = atoi(t);
  return {
    ok: true,
    value: n > 0 ? n : 1,
    warning: `'${text}' is not a retry limit; Fluent Bit ${n > 0 ? `reads it as ${n}` : 'uses 1'}`,
  };
}

const LOG_LEVELS = ['off', 'error', 'warn', 'warning', 'info', 'debug', 'trace'] as const;

/** The `tls.*` keys of network inputs and outputs (flb_tls); tls-agent.ts types its options from them. */
export const TLS_KEYS = {
  tls: opt.bool({ default: 'off', doc: 'Enable TLS' }),
  'tls.verify': opt.bool({ default: 'on', doc: 'Verify the peer certificate' }),
  'tls.verify_hostname': opt.bool({ default: 'off', doc: 'Verify that the certificate matches the host name' }),
  'tls.debug': notActedOn(opt.int({ default: '1', doc: 'TLS debug level (0-4)' }), 'TLS debug logging is not implemented: TLS errors are logged with their reason at any level'),
  'tls.vhost': opt.string({ doc: 'Host name sent in SNI' }),
  'tls.ca_path': opt.string({ doc: 'Directory of CA certificates' }),
  'tls.ca_file': opt.string({ doc: 'CA certificate file' }),
  'tls.crt_file': opt.string({ doc: 'Certificate file' }),
  'tls.key_file': opt.string({ doc: 'Private key file' }),
  'tls.key_passwd': opt.string({ doc: 'Password of the private key file' }),
  'tls.min_version': opt.string({ doc: 'Minimum TLS version (e.g. TLSv1.2)' }),
  'tls.max_version': opt.string({ doc: 'Maximum TLS version' }),
  'tls.ciphers': opt.string({ doc: 'Cipher list' }),
} as const;

/** `Condition`: Fluent Bit's core skips it in every plugin's key check (conditional processing, newer builds). */
const CONDITION = {
  condition: opt.unsupported({ doc: 'Conditional processing rule (newer Fluent Bit builds)', reason: 'conditional processing is not implemented; the section always applies' }),
} as const;

/** The upstream `net.*` keys of every output (flb_upstream config map); aws-client.ts types its options from them. */
export const NET_KEYS = {
  'net.dns.mode': opt.enum({ values: ['udp', 'tcp'] as const, doc: 'DNS transport' }),
  'net.dns.resolver': opt.enum({ values: ['legacy', 'async'] as const, doc: 'DNS resolver' }),
  'net.dns.prefer_ipv4': opt.bool({ default: 'false', doc: 'Prefer IPv4 addresses' }),
  'net.dns.prefer_ipv6': opt.bool({ default: 'false', doc: 'Prefer IPv6 addresses' }),
  'net.keepalive': opt.bool({ default: 'true', doc: 'Reuse connections' }),
  'net.keepalive_idle_timeout': opt.time({ default: '30s', doc: 'Close idle keepalive connections after this long' }),
  'net.keepalive_max_recycle': opt.int({ default: '2000', doc: 'Requests per keepalive connection before it is closed' }),
  'net.tcp_keepalive': opt.bool({ default: 'off', doc: 'Enable TCP keepalive probes' }),
  'net.tcp_keepalive_time': opt.int({ default: '-1', doc: 'Idle seconds before TCP keepalive probes' }),
  'net.tcp_keepalive_interval': opt.int({ default: '-1', doc: 'Seconds between TCP keepalive probes' }),
  'net.tcp_keepalive_probes': opt.int({ default: '-1', doc: 'Unanswered probes before the connection is dropped' }),
  'net.io_timeout': opt.time({ default: '0s', doc: 'Timeout of one network read or write (0 = none)' }),
  'net.connect_timeout': opt.time({ default: '10s', doc: 'Connection timeout' }),
  'net.connect_timeout_log_error': opt.bool({ default: 'true', doc: 'Log connection timeouts as errors' }),
  'net.source_address': opt.string({ doc: 'Local address to connect from' }),
  'net.max_worker_connections': opt.int({ default: '0', doc: 'Connections per worker (0 = unlimited)' }),
  'net.proxy_env_ignore': opt.bool({ default: 'false', doc: 'Ignore HTTP_PROXY/HTTPS_PROXY' }),
} as const;

export const INPUT_COMMON = {
  name: opt.string({ required: true, doc: 'Plugin name' }),
  ...CONDITION,
  alias: opt.string({ doc: 'Instance name used in metrics and logs instead of <plugin>.<n>' }),
  tag: opt.string({ doc: 'Tag of the records this input emits (default: the instance name, e.g. tail.0)' }),
  log_level: opt.enum({ values: LOG_LEVELS, doc: 'Log level of this instance' }),
  log_suppress_interval: notActedOn(opt.time({ doc: 'Suppress repeated log messages for this long' }), NO_LOG_SUPPRESSION),
  routable: opt.bool({ default: 'true', doc: 'Whether records of this input are routed to outputs' }),
  mem_buf_limit: opt.size({ default: '0', doc: 'Pause the input when this much is buffered in memory (0 = unlimited)' }),
  'storage.type': opt.enum({ values: ['memory', 'filesystem', 'memrb'] as const, default: 'memory', doc: 'Buffer in memory or on the filesystem ([SERVICE] storage.path)' }),
  'storage.pause_on_chunks_overlimit': opt.bool({ default: 'off', doc: 'With filesystem storage, pause when storage.max_chunks_up is reached' }),
  threaded: unsupportedWhen(opt.bool({ default: 'off', doc: 'Run the input in its own thread' }), {
    when: (v) => v,
    values: 'On',
    reason: "inputs run on the agent's event loop, not in a thread of their own; the records are the same",
    severity: 'warning',
  }),
  listen: opt.string({ doc: 'Listen address (network inputs)' }),
  host: opt.string({ doc: 'Host (network inputs)' }),
  port: opt.int({ min: 0, max: 65535, doc: 'Port (network inputs)' }),
  ipv6: opt.bool({ default: 'off', doc: 'Use IPv6 (network inputs)' }),
  ...TLS_KEYS,
} as const;

export const FILTER_COMMON = {
  name: opt.string({ required: true, doc: 'Plugin name' }),
  active: opt.custom('bool', { default: 'true', doc: 'False (or 0) turns the filter off; any other value keeps it on' }, (t) => {
    const v = t.trim();
    return { ok: true, value: !(v.toLowerCase() === 'false' || v === '0') };
  }),
  ...CONDITION,
  match: opt.string({ doc: 'Tag pattern (`*` matches any text, dots included) of the records to process' }),
  match_regex: opt.regex({ doc: 'Regex on the tag, anchored at the start (tried before Match)' }),
  alias: opt.string({ doc: 'Instance name used in metrics and logs' }),
  log_level: opt.enum({ values: LOG_LEVELS, doc: 'Log level of this instance' }),
  log_suppress_interval: notActedOn(opt.time({ doc: 'Suppress repeated log messages for this long' }), NO_LOG_SUPPRESSION),
} as const;

export const OUTPUT_COMMON = {
  name: opt.string({ required: true, doc: 'Plugin name' }),
  ...CONDITION,
  match: opt.string({ doc: 'Tag pattern (`*` matches any text, dots included) of the records to send' }),
  match_regex: opt.regex({ doc: 'Regex on the tag, anchored at the start (tried before Match)' }),
  alias: opt.string({ doc: 'Instance name used in metrics and logs' }),
  log_level: opt.enum({ values: LOG_LEVELS, doc: 'Log level of this instance' }),
  log_suppress_interval: notActedOn(opt.time({ doc: 'Suppress repeated log messages for this long' }), NO_LOG_SUPPRESSION),
  host: opt.string({ doc: 'Remote host' }),
  port: opt.int({ min: 0, max: 65535, doc: 'Remote port' }),
  ipv6: opt.bool({ default: 'off', doc: 'Use IPv6' }),
  retry_limit: opt.custom('retry', { default: '1', doc: 'Retries per chunk: a number, no_limits/False (unlimited) or no_retries' }, parseRetryLimit),
  workers: opt.int({ min: 0, doc: 'Worker threads (plugin-specific default)' }),
  'storage.total_limit_size': opt.size({ doc: 'Cap on filesystem chunk bytes queued for this output; oldest dropped (off = unlimited)' }),
  ...NET_KEYS,
  ...TLS_KEYS,
} as const;
