/**
 * Connection hygiene of the monitoring server, so slow or idle clients cannot take the health
 * endpoint down (slowloris: many connections each sending a header byte now and then).
 *
 * Fluent Bit's server (Monkey, `lib/monkey/mk_server`) gives a connection `Timeout` 15 s from its
 * arrival to send a request and `KeepAliveTimeout` 15 s between requests
 * (`mk_config_set_init_values`); `mk_sched_check_timeouts` runs every `Timeout` seconds, so a slow
 * client is dropped 15-30 s after it connected. Its capacity is the process' `RLIMIT_NOFILE`
 * (`mk_server_capacity`): past it, a new connection, a probe included, is refused.
 *
 * logferry sheds slow clients sooner (headers within 10 s, checked every second) and keeps its
 * connections well below a 1024 `nofile` limit. At that cap a new connection does not get
 * refused: the oldest connection that is not being answered (still sending its headers, or idle
 * between requests) is closed to make room. A liveness probe sends its request as soon as it is
 * connected and is answered at once, so an attacker holding any number of slow connections only
 * ever evicts its own; it cannot starve the probes.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * node:http, loaded when a server is made (an agent without HTTP_Server never loads it: 4-6 ms of
 * CPU at start; bench/NOTES.md, "The agent's start"). Taken as Node's CommonJS module: an ESM import
 * of node:http makes Node 24 build the module's ESM facade, whose lazy getters load undici, http2 and
 * tls (60-70 ms of CPU at every start; bench/NOTES.md, "Low-rate CPU (issue 19)").
 */
const http = () => process.getBuiltinModule('node:http');

export interface ConnectionLimits {
  /** Milliseconds a client has to send a request's complete headers (Node's `headersTimeout`). */
  readonly headersTimeoutMs: number;
  /** Milliseconds to receive a whole request, body included (`requestTimeout`). */
  readonly requestTimeoutMs: number;
  /** Milliseconds a kept-alive connection may wait for its next request (`keepAliveTimeout`). */
  readonly keepAliveTimeoutMs: number;
  /** Milliseconds without any traffic after which a connection is closed, whatever its state (`server.timeout`). */
  readonly idleTimeoutMs: number;
  /** How often the headers and request timeouts are checked (`connectionsCheckingInterval`). */
  readonly checkIntervalMs: number;
  /** Open connections at most; at the cap a new one closes the oldest connection not being answered. */
  readonly maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  checkIntervalMs: 1_000,
  maxConnections: 256,
};

/** Time between two warnings that connections were closed at the cap. */
const CAP_WARNING_INTERVAL_MS = 60_000;

/**
 * An HTTP server applying `limits` (any left out take their default); `warn` is told, at most once
 * a minute, when connections were closed to stay under the cap.
 */
export function createGuardedServer(
  limits: Partial<ConnectionLimits>,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  warn: (message: string) => void,
): Server {
  const l = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
  const server = http().createServer(
    {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      connectionsCheckingInterval: l.checkIntervalMs,
    },
    handler,
  );
  // With no 'timeout' listener Node destroys a socket silent for this long.
  server.timeout = l.idleTimeoutMs;
  capConnections(server, l.maxConnections, throttled(warn, l.maxConnections));
  return server;
}

/**
 * Keeps at most `max` connections: one arriving at the cap closes the oldest connection with no
 * request being answered, or itself when every connection is being answered.
 */
function capConnections(server: Server, max: number, closed: (what: string) => void): void {
  // Requests being answered, per open connection, in the order the connections arrived.
  const open = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    if (open.size >= max) {
      const victim = oldestUnanswered(open);
      if (!victim) {
        socket.destroy();
        closed('a new connection (every open one is being answered)');
        return;
      }
      open.delete(victim);
      victim.destroy();
      closed('the oldest connection not being answered');
    }
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const answering = open.get(socket);
    if (answering === undefined) return;
    // Setting an existing key keeps the connection's place in the arrival order.
    open.set(socket, answering + 1);
    res.once('close', () => {
      const now = open.get(socket);
      if (now !== undefined) open.set(socket, now - 1);
    });
  });
}

function oldestUnanswered(open: ReadonlyMap<Socket, number>): Socket | undefined {
  for (const [socket, answering] of open) if (answering === 0) return socket;
  return undefined;
}

/** Counts the connections closed at the cap and reports them at most once a minute. */
function throttled(warn: (message: string) => void, max: number): (what: string) => void {
  let lastWarning = -Infinity;
  let unreported = 0;
  return (what) => {
    unreported++;
    const now = Date.now();
    if (now - lastWarning < CAP_WARNING_INTERVAL_MS) return;
    warn(`connection cap (${max}) reached: closed ${what}; ${unreported} closed at the cap since the last warning`);
    lastWarning = now;
    unreported = 0;
  };
}
