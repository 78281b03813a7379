import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import { tlsAgentOptions } from '../../outputs/shared/tls-agent.js';
import type { ServerSecrets } from '../../shared/forward/secure-forward.js';
import { ForwardConnection, type ConnectionHost } from './forward-connection.js';
import type { Frame, FrameLimits } from './frames.js';
import type { ForwardInputOptions } from './options.js';

/** Largest decompressed CompressedPackedForward payload (Fluent Bit sets none; this bounds a gzip bomb). */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * Accepts records over the Fluentd forward protocol (Fluent Bit `in_forward`) on TCP (optionally
 * TLS) or a Unix socket. Records take the sender's tag (Tag_Prefix + it, or the input's Tag when
 * set). Paused by Mem_Buf_Limit, it stops reading its sockets: senders wait (TCP backpressure).
 */
export class ForwardInput implements InputRuntime, ConnectionHost {
  private server: Server | undefined;
  private readonly connections = new Set<ForwardConnection>();
  private paused = false;
  private stopped = false;
  readonly secrets: ServerSecrets | undefined;
  readonly maxFrame: number;
  readonly limits: FrameLimits = { maxDecompressed: MAX_DECOMPRESSED_BYTES };

  constructor(
    private readonly o: ForwardInputOptions,
    private readonly ctx: InputContext,
  ) {
    this.maxFrame = Math.max(o.buffer_max_size, o.buffer_chunk_size);
    const sharedKey = o.empty_shared_key ? '' : o.shared_key;
    const users = new Map<string, string>();
    for (const pair of o['security.users'] ?? []) {
      const m = /^(\S+)\s+(.*)$/.exec(pair.trim());
      if (m) users.set(m[1]!, m[2]!);
    }
    this.secrets = sharedKey === undefined ? undefined : { sharedKey, selfHostname: o.self_hostname, users };
  }

  /** Where it listens: the TCP port (useful with Port 0) or the Unix socket path. */
  address(): { port: number } | { path: string } | undefined {
    const a = this.server?.address();
    if (!a) return undefined;
    return typeof a === 'string' ? { path: a } : { port: a.port };
  }

  async start(): Promise<void> {
    const o = this.o;
    const onSocket = (socket: Socket) => this.connected(socket);
    if (o.tls) {
      const t = tlsAgentOptions(o);
      const server = createTlsServer({
        ...(t.cert ? { cert: t.cert } : {}),
        ...(t.key ? { key: t.key } : {}),
        ...(t.passphrase ? { passphrase: t.passphrase } : {}),
        ...(t.ca ? { ca: t.ca } : {}),
        ...(t.minVersion ? { minVersion: t.minVersion } : {}),
        ...(t.maxVersion ? { maxVersion: t.maxVersion } : {}),
        ...(t.ciphers ? { ciphers: t.ciphers } : {}),
        // As OpenSSL's SSL_VERIFY_PEER on a server: a client certificate is asked for and checked
        // when sent, not required.
        requestCert: o['tls.verify'],
        rejectUnauthorized: false,
      });
      server.on('secureConnection', (socket: TLSSocket) => {
        if (o['tls.verify'] && !socket.authorized && socket.getPeerCertificate()?.raw) {
          this.failed(socket.remoteAddress ?? 'client', `client certificate refused: ${String(socket.authorizationError)}`);
          socket.destroy();
          return;
        }
        onSocket(socket);
      });
      server.on('tlsClientError', (err) => this.ctx.log.warn(`TLS handshake failed: ${err.message}`));
      this.server = server;
    } else {
      this.server = createTcpServer(onSocket);
    }
    const server = this.server;
    if (o.unix_path !== undefined) removeStaleSocket(o.unix_path);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const ready = () => {
        server.off('error', reject);
        resolve();
      };
      if (o.unix_path !== undefined) server.listen(o.unix_path, ready);
      else server.listen(o.port, o.listen, ready);
    }).catch((err: NodeJS.ErrnoException) => {
      const where = o.unix_path !== undefined ? `unix://${o.unix_path}` : `${o.listen}:${o.port}`;
      throw new Error(`could not listen on ${where}: ${err.code ?? err.message}`);
    });
    server.on('error', (err) => this.ctx.log.error(`server error: ${err.message}`));
    if (o.unix_path !== undefined) {
      if (o.unix_perm !== undefined) chmodSync(o.unix_path, o.unix_perm);
      this.ctx.log.info(`listening on unix://${o.unix_path}`);
    } else {
      const a = this.address();
      this.ctx.log.info(`listening on ${o.listen}:${a && 'port' in a ? a.port : o.port}`);
    }
  }

  private connected(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    this.connections.add(new ForwardConnection(socket, this));
  }

  /** The tag of a frame's records: Tag_Prefix + the sender's, else the input's Tag when set, else the sender's. */
  private tagOf(senderTag: string): string {
    if (this.o.tag_prefix !== undefined) return this.o.tag_prefix + senderTag;
    if (this.ctx.isSet('tag')) return this.ctx.tag;
    return senderTag;
  }

  accept(frame: Frame): boolean {
    if (this.stopped) return false;
    for (const [reason, n] of frame.dropped) {
      this.ctx.counters.drop(reason, n);
      this.ctx.log.warn(`${n} entr${n === 1 ? 'y' : 'ies'} of a ${frame.mode} mode frame dropped: ${reason}`);
    }
    if (frame.events.length > 0) this.ctx.emit(this.tagOf(frame.tag), frame.events);
    return true;
  }

  failed(peer: string, reason: string): void {
    this.ctx.counters.add('errors');
    this.ctx.log.error(`${peer}: ${reason}; connection closed`);
  }

  isPaused(): boolean {
    return this.paused;
  }

  closed(conn: ForwardConnection): void {
    this.connections.delete(conn);
  }

  pause(): void {
    this.paused = true;
    for (const c of this.connections) c.pause();
  }

  resume(): void {
    this.paused = false;
    for (const c of [...this.connections]) c.resume();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    // Frames already received are emitted (even while paused), then every connection is closed.
    for (const c of [...this.connections]) c.drain();
    this.stopped = true;
    this.connections.clear();
    const server = this.server;
    if (server) await new Promise<void>((r) => server.close(() => r()));
    if (this.o.unix_path !== undefined) removeStaleSocket(this.o.unix_path);
  }
}

/** Removes a Unix socket left at `path` (as in_forward does); anything else there is an error. */
function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new Error(`${path} exists and it is not a unix socket`);
  unlinkSync(path);
}
