/** HTTP clients against a local server: slowloris attackers and probes like the kubelet's. */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** The headers a slow client dribbles, byte by byte; once they are all sent it goes on with `a`s forever. */
const SLOW_HEADERS = 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';

export interface SlowClients {
  /** Connections the server has not closed yet. */
  readonly open: number;
  /** How long each connection the server closed stayed open (ms from connect). */
  readonly lifetimes: readonly number[];
  /** Resolves once every connection is established (or already closed). */
  readonly settled: Promise<void>;
  /** Closes every connection still open. */
  destroy(): void;
}

/** `count` connections to 127.0.0.1:`port`, each sending one header byte every `everyMs` and never ending its headers. */
export function slowClients(port: number, count: number, everyMs: number): SlowClients {
  const lifetimes: number[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  let destroyed = false;
  const connectOne = () =>
    new Promise<void>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      sockets.add(socket);
      let connectedAt = 0;
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      const dribble = () => socket.write(SLOW_HEADERS[sent++] ?? 'a');
      socket.on('connect', () => {
        connectedAt = Date.now();
        open++;
        dribble();
        timer = setInterval(dribble, everyMs);
        resolve();
      });
      socket.on('close', () => {
        clearInterval(timer);
        sockets.delete(socket);
        if (connectedAt !== 0) open--;
        if (!destroyed && connectedAt !== 0) lifetimes.push(Date.now() - connectedAt);
        resolve();
      });
      socket.on('error', () => {});
      socket.resume();
    });
  const settled = Promise.all(Array.from({ length: count }, connectOne)).then(() => undefined);
  return {
    get open() {
      return open;
    },
    lifetimes,
    settled,
    destroy: () => {
      destroyed = true;
      for (const s of sockets) s.destroy();
    },
  };
}

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  /** Sent as given (a `host` here replaces the default); nothing else is added but Connection and Content-Length. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
}

/** One request on a new connection, with exactly the given headers; status 0 and the error when it fails. */
export function rawRequest(port: number, { method = 'GET', path, headers = {}, body, timeoutMs = 5000 }: RawRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', (err) => resolve({ status: 0, body: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(body);
  });
}

/** A GET on a new connection, as a liveness probe makes it. */
export function probe(port: number, path: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return rawRequest(port, { path, timeoutMs });
}
