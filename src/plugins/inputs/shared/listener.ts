/**
 * The listening socket of a network server input (tcp, http), as Fluent Bit's downstream opens
 * it: `Listen` (default 0.0.0.0) and `Port` (0 means the plugin's default port, as
 * `flb_input_net_default_listener` reads it), plain TCP or TLS from the common `tls.*` keys, the
 * `net.*` keys of DOWNSTREAM_NET_KEYS. Connections are tracked so that stop closes them all.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { PluginServices } from '../../../engine/plugin.js';
import type { OptionsOf } from '../../../options/spec.js';
import type { TLS_KEYS } from '../../../options/common.js';
import { tlsAgentOptions } from '../../outputs/shared/tls-agent.js';
import type { DOWNSTREAM_NET_KEYS } from './listener-options.js';

/** The keys a listener reads (common Listen/Port/tls.* and the downstream net.* keys). */
export type ListenerKeys = OptionsOf<typeof TLS_KEYS> &
  OptionsOf<typeof DOWNSTREAM_NET_KEYS> & { readonly listen?: string | undefined; readonly port?: number | undefined };

/** Where a listener binds: Listen (default 0.0.0.0) and Port (unset or 0: the plugin's default). */
export function listenAddress(o: ListenerKeys, defaultPort: number): { host: string; port: number } {
  return { host: o.listen ?? '0.0.0.0', port: o.port === undefined || o.port === 0 ? defaultPort : o.port };
}

/**
 * Server-side TLS options: the certificate and key are required; with `tls.verify` (the default)
 * a client certificate is asked for and, when one is presented, must verify against tls.ca_file /
 * tls.ca_path (else the system CAs), as OpenSSL's SSL_VERIFY_PEER does on a server: a client
 * presenting none is still accepted.
 */
function serverTls(o: ListenerKeys): TlsOptions {
  if (!o['tls.crt_file'] || !o['tls.key_file']) throw new Error('tls On needs tls.crt_file and tls.key_file for a listening input');
  const base = tlsAgentOptions(o);
  return {
    cert: base.cert,
    key: base.key,
    ...(base.passphrase !== undefined ? { passphrase: base.passphrase } : {}),
    ...(base.ca !== undefined ? { ca: base.ca } : {}),
    ...(base.minVersion !== undefined ? { minVersion: base.minVersion } : {}),
    ...(base.maxVersion !== undefined ? { maxVersion: base.maxVersion } : {}),
    ...(base.ciphers !== undefined ? { ciphers: base.ciphers } : {}),
    requestCert: o['tls.verify'],
    rejectUnauthorized: false,
    handshakeTimeout: o['net.accept_timeout'] > 0 ? o['net.accept_timeout'] : 120_000,
  };
}

/** `tcp://127.0.0.1:41234`, Fluent Bit's flb_connection_get_remote_address text. */
export function remoteAddress(socket: Socket): string {
  const host = socket.remoteAddress ?? 'unknown';
  return `tcp://${host.includes(':') ? `[${host}]` : host}:${socket.remotePort ?? 0}`;
}

export interface Listener {
  readonly server: Server;
  /** The bound address. */
  readonly address: { host: string; port: number };
  /** Open connections. */
  readonly sockets: ReadonlySet<Socket>;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/** Builds the server: a plain one, or a TLS one with these options (http: node:http / node:https). */
export type ServerFactory = (tls: TlsOptions | undefined) => Server;

const rawServer: ServerFactory = (tls) => (tls ? createTlsServer(tls) : createNetServer());

/**
 * Listens and calls `onConnection` for each accepted connection (after the TLS handshake, with a
 * verified client certificate when one was presented). Rejects when the address cannot be bound,
 * naming it. http passes its own factory and handles requests on the server it returns.
 */
export async function listen(
  o: ListenerKeys,
  defaultPort: number,
  services: Pick<PluginServices, 'log'>,
  onConnection: (socket: Socket) => void,
  make: ServerFactory = rawServer,
): Promise<Listener> {
  const { host, port } = listenAddress(o, defaultPort);
  const sockets = new Set<Socket>();
  const accept = (socket: Socket) => {
    if (o.tls) {
      const tlsSocket = socket as TLSSocket;
      if (Object.keys(tlsSocket.getPeerCertificate()).length > 0 && !tlsSocket.authorized) {
        services.log.warn(`TLS client certificate refused from ${remoteAddress(socket)}: ${String(tlsSocket.authorizationError)}`);
        socket.destroy();
        return;
      }
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (o['net.io_timeout'] > 0) {
      socket.setTimeout(o['net.io_timeout'], () => {
        services.log.debug(`closing ${remoteAddress(socket)}: idle for net.io_timeout`);
        socket.destroy();
      });
    }
    onConnection(socket);
  };
  const tls = o.tls ? serverTls(o) : undefined;
  const server = make(tls);
  server.on(tls ? 'secureConnection' : 'connection', accept);
  if (tls) {
    server.on('tlsClientError', (err: Error, socket: Socket) => {
      const line = `TLS handshake failed from ${remoteAddress(socket)}: ${err.message}`;
      if (/timed? ?out/i.test(err.message) && !o['net.accept_timeout_log_error']) services.log.debug(line);
      else services.log.warn(line);
    });
  }
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`));
    server.once('error', failed);
    server.listen({ host, port, backlog: o['net.backlog'] }, () => {
      server.off('error', failed);
      resolve();
    });
  });
  server.on('error', (err) => services.log.error(`listener ${host}:${port}: ${err.message}`));
  const bound = server.address();
  const address = typeof bound === 'object' && bound !== null ? { host, port: bound.port } : { host, port };
  return {
    server,
    address,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
