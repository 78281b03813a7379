/**
 * The keys of Fluent Bit's network server inputs beyond the common Listen/Port/tls.* ones: the
 * downstream `net.*` config map (`src/flb_downstream.c`), and the common keys a listening input
 * does not read. Declared here once for tcp and http.
 */
import { TLS_KEYS } from '../../../options/common.js';
import { notActedOn, opt } from '../../../options/kinds.js';

export const DOWNSTREAM_NET_KEYS = {
  'net.share_port': notActedOn(opt.bool({ default: 'false', doc: 'Allow several inputs to bind the same port' }), 'the port is bound by this input alone (Node 20 has no SO_REUSEPORT)'),
  'net.backlog': opt.int({ default: '128', min: 1, doc: 'Backlog of the listening socket' }),
  'net.io_timeout': opt.time({ default: '0s', doc: 'Close a connection idle for this long (0 = never)' }),
  'net.accept_timeout': opt.time({ default: '10s', doc: 'Longest TLS handshake of an incoming connection' }),
  'net.accept_timeout_log_error': opt.bool({ default: 'true', doc: 'Log an accept timeout as an error (else at debug level)' }),
  'net.keepalive': opt.bool({ default: 'true', doc: 'Keep connections open between requests' }),
  ipv6: notActedOn(opt.bool({ default: 'off', doc: 'Use IPv6' }), 'the address family follows Listen (write :: to listen on IPv6)'),
  host: notActedOn(opt.string({ doc: 'Host name of the instance (not the listening address)' }), 'the address listened on is Listen; as in Fluent Bit, this input does not read Host'),
  'tls.vhost': notActedOn(TLS_KEYS['tls.vhost'], 'a listening input sends no SNI name'),
  'tls.verify_hostname': notActedOn(TLS_KEYS['tls.verify_hostname'], 'a client certificate is verified against the CAs, not against a host name'),
} as const;
