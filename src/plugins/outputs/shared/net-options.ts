/**
 * The common `net.*` keys (options/common.ts) network outputs do not act on, declared in their
 * tables so that setting one gives an `unsupported-key` warning instead of being ignored. The AWS
 * outputs act on the connect and I/O timeouts, keepalive, source address and connections per
 * worker (aws-client.ts); forward on the same but connections per worker; es/opensearch on the I/O
 * timeout and keepalive; http on none (its own http.response_timeout bounds a request).
 */
import { opt } from '../../../options/kinds.js';

const SYSTEM_RESOLVER = "names are resolved by the system's resolver (getaddrinfo), in its order";
const TCP_KEEPALIVE = 'TCP keepalive probes are not configured (idle connections are closed by the endpoint)';

/** Keys no output acts on. */
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

const CONNECT_TIMEOUT = opt.unsupported({ doc: 'Connection timeout', reason: "a connection attempt waits for the operating system's connect timeout" });
const SOURCE_ADDRESS = opt.unsupported({ doc: 'Local address to connect from', reason: 'connections leave from the address the operating system picks' });
const MAX_WORKER_CONNECTIONS = opt.unsupported({ doc: 'Connections per worker (0 = unlimited)', reason: 'the number of connections is not limited' });

/** es and opensearch: every net.* key but net.io_timeout and net.keepalive. */
export const ES_UNSUPPORTED_NET = {
  ...AWS_UNSUPPORTED_NET,
  'net.connect_timeout': CONNECT_TIMEOUT,
  'net.source_address': SOURCE_ADDRESS,
  'net.max_worker_connections': MAX_WORKER_CONNECTIONS,
} as const;

/** http: every net.* key. */
export const HTTP_UNSUPPORTED_NET = {
  ...ES_UNSUPPORTED_NET,
  'net.io_timeout': opt.unsupported({ doc: 'Timeout of one network read or write (0 = none)', reason: 'http.response_timeout bounds each request' }),
  'net.keepalive': opt.unsupported({ doc: 'Reuse connections', reason: "connections are reused as Node's default agent does" }),
} as const;

/** forward: every net.* key but net.connect_timeout, net.io_timeout, net.keepalive and net.source_address. */
export const FORWARD_UNSUPPORTED_NET = {
  ...AWS_UNSUPPORTED_NET,
  'net.max_worker_connections': MAX_WORKER_CONNECTIONS,
} as const;
