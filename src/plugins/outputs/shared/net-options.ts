/**
 * The common `net.*` keys (options/common.ts) the AWS outputs do not act on, declared in their
 * tables so that setting one gives an `unsupported-key` warning instead of being ignored. The
 * keys they do act on (connect and I/O timeouts, keepalive, source address, connections per
 * worker) are read in aws-client.ts.
 */
import { opt } from '../../../options/kinds.js';

const SYSTEM_RESOLVER = "names are resolved by the system's resolver (getaddrinfo), in its order";
const TCP_KEEPALIVE = 'TCP keepalive probes are not configured (idle connections are closed by the endpoint)';

export const AWS_UNSUPPORTED_NET = {
  'net.dns.mode': opt.unsupported({ doc: 'DNS transport', reason: SYSTEM_RESOLVER }),
  'net.dns.resolver': opt.unsupported({ doc: 'DNS resolver', reason: SYSTEM_RESOLVER }),
  'net.dns.prefer_ipv4': opt.unsupported({ doc: 'Prefer IPv4 addresses', reason: SYSTEM_RESOLVER }),
  'net.dns.prefer_ipv6': opt.unsupported({ doc: 'Prefer IPv6 addresses', reason: SYSTEM_RESOLVER }),
  'net.keepalive_idle_timeout': opt.unsupported({ doc: 'Close idle keepalive connections after this long', reason: 'idle connections stay open until the endpoint closes them' }),
  'net.keepalive_max_recycle': opt.unsupported({ doc: 'Requests per keepalive connection before it is closed', reason: 'connections are not retired after a number of requests' }),
  'net.tcp_keepalive': opt.unsupported({ doc: 'Enable TCP keepalive probes', reason: TCP_KEEPALIVE }),
  'net.tcp_keepalive_time': opt.unsupported({ doc: 'Idle seconds before TCP keepalive probes', reason: TCP_KEEPALIVE }),
  'net.tcp_keepalive_interval': opt.unsupported({ doc: 'Seconds between TCP keepalive probes', reason: TCP_KEEPALIVE }),
  'net.tcp_keepalive_probes': opt.unsupported({ doc: 'Unanswered probes before the connection is dropped', reason: TCP_KEEPALIVE }),
  'net.connect_timeout_log_error': opt.unsupported({ doc: 'Log connection timeouts as errors', reason: 'a connection timeout is reported like every failed request' }),
  'net.proxy_env_ignore': opt.unsupported({ doc: 'Ignore HTTP_PROXY/HTTPS_PROXY', reason: 'HTTP_PROXY/HTTPS_PROXY are never used: requests go directly to the endpoint' }),
} as const;
