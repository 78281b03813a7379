/**
 * The HTTP monitoring server (`[SERVICE] HTTP_Server On`): Fluent Bit's endpoints and shapes
 * (`src/http_server/`), serving whatever pipeline is current, so it keeps running across hot
 * reloads.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { PipelineError } from '../../errors.js';
import type { Logger } from '../logger.js';
import { createGuardedServer, type ConnectionLimits } from './connections.js';
import { encodePrometheus, encodeText } from './cmetrics.js';
import { HealthWindow, outputTotals } from './health.js';
import { measureEventLoopLag, ProcessMetrics } from './process-metrics.js';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from './prometheus.js';
import { pageRequestRefusal, refusedReply, reloadReply, type ReloadControl } from './reload-api.js';
import type { MonitoredPipeline } from './source.js';
import { buildInfoJson, metricsJson, storageJson, uptimeJson } from './v1-json.js';
import { fluentBitFamilies, osName } from './v2-metrics.js';

const JSON_TYPE = 'application/json';

export interface MonitorOptions {
  /** The pipeline to report on; called on every request and sample. */
  readonly pipeline: () => MonitoredPipeline;
  /** logferry's version, for `/` and the build info metric. */
  readonly version: string;
  readonly log: Logger;
  /** Hot reload (`/api/v2/reload`); without it the endpoint answers as with Hot_Reload off. */
  readonly reload?: ReloadControl;
  /** Clock (ms since the epoch); tests may pin it. */
  readonly now?: () => number;
  /** Timeouts and connection cap; the defaults (`DEFAULT_CONNECTION_LIMITS`) for any left out. */
  readonly limits?: Partial<ConnectionLimits>;
}

export class MonitorServer {
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly health = new HealthWindow();
  private readonly process = new ProcessMetrics();
  private sampled: MonitoredPipeline | undefined;
  private readonly now: () => number;

  constructor(private readonly options: MonitorOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Listens on `listen:port` (port 0: any free port, logferry only) and starts the health sampling.
   * Resolves to the bound address; a port in use or an address that cannot be bound is a
   * PipelineError naming the address.
   */
  async start(listen: string, port: number): Promise<AddressInfo> {
    if (this.server) throw new PipelineError('the monitoring server is already started');
    const server = createGuardedServer(
      this.options.limits ?? {},
      (req, res) => this.handle(req, res),
      (message) => this.options.log.warn(`[http_server] ${message}`),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EADDRNOTAVAIL' ? 'address not available' : err.message;
        reject(new PipelineError(`HTTP monitoring server cannot listen on ${formatAddress(listen, port)}: ${why}`, { cause: err }));
      });
      server.listen(port, listen, () => resolve());
    });
    server.on('error', (err) => this.options.log.error(`[http_server] ${err.message}`));
    this.server = server;
    const address = server.address() as AddressInfo;
    this.options.log.info(`[http_server] listen iface=${listen} tcp_port=${address.port}`);
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
    return address;
  }

  /** Stops listening and closes open connections. Idempotent. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.process.stop();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Takes the per-second health sample (also called by the timer). */
  sample(): void {
    const pipeline = this.options.pipeline();
    if (pipeline !== this.sampled) {
      this.health.reset();
      this.sampled = pipeline;
    }
    const service = pipeline.plan.service;
    // Only /api/v1/health reads the window: without Health_Check no metrics snapshot each second.
    if (service.health_check) this.health.sample(outputTotals(pipeline.metrics()), service.hc_period);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      const pipeline = this.options.pipeline();
      const service = pipeline.plan.service;
      switch (path) {
        case '/':
          return sendJson(res, 200, buildInfoJson(this.options.version));
        case '/api/v1/uptime':
          return sendJson(res, 200, uptimeJson(pipeline.startedAt, this.now()));
        case '/api/v1/metrics':
          return sendJson(res, 200, metricsJson(pipeline, pipeline.metrics()));
        case '/api/v1/metrics/prometheus':
          return send(res, 200, PROMETHEUS_CONTENT_TYPE, prometheusText(pipeline, { version: this.options.version, hotReloads: this.options.reload?.count ?? 0 }, this.now()));
        case '/api/v1/storage':
          // Fluent Bit registers it only with storage.metrics on (the default).
          if (!service['storage.metrics']) break;
          return sendJson(res, 200, storageJson(pipeline.storageStatus()));
        case '/api/v1/health':
        case '/api/v2/health': {
          if (!service.health_check) {
            // v1: registered only with Health_Check On, otherwise unknown (404). Fluent Bit 4.2.8 has
            // no /api/v2/health: its `/` handler answers the path (200, build info), so a probe on it works.
            if (path === '/api/v1/health') break;
            return sendJson(res, 200, buildInfoJson(this.options.version));
          }
          if (pipeline !== this.sampled) this.sample();
          const state = this.health.state(outputTotals(pipeline.metrics()), {
            errors: service.hc_errors_count,
            retriesFailed: service.hc_retry_failure_count,
            period: service.hc_period,
          });
          return send(res, state.healthy ? 200 : 500, 'text/plain', state.healthy ? 'ok\n' : 'error\n');
        }
        case '/api/v2/metrics':
        case '/api/v2/metrics/prometheus':
          this.metricsV2(pipeline, path === '/api/v2/metrics/prometheus', res).catch((err: unknown) => {
            this.options.log.error(`[http_server] ${req.method} ${path} failed: ${(err as Error).message}`);
            if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
          });
          return;
        case '/api/v2/reload':
          this.reload(req, res).catch((err: unknown) => {
            this.options.log.error(`[http_server] reload failed: ${(err as Error).message}`);
            if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
          });
          return;
      }
      send(res, 404, 'text/plain', 'not found\n');
    } catch (err) {
      this.options.log.error(`[http_server] ${req.method} ${path} failed: ${(err as Error).message}`);
      send(res, 500, 'text/plain', 'internal error\n');
    }
  }

  /**
   * `/api/v2/metrics` (cmetrics' text) and `/api/v2/metrics/prometheus`: Fluent Bit's families,
   * then the Node.js process' own (`process_*`, `nodejs_*`).
   */
  private async metricsV2(pipeline: MonitoredPipeline, prometheus: boolean, res: ServerResponse): Promise<void> {
    // The event-loop delay histogram (a 10 ms timer) and the GC observer run from the first scrape
    // on: an agent nobody scrapes for them wakes up 100 times a second less (bench/NOTES.md,
    // "Low-rate CPU (issue 19)").
    this.process.start();
    const lag = await measureEventLoopLag();
    const now = this.now();
    const families = [
      ...fluentBitFamilies(pipeline, { version: this.options.version, hotReloads: this.options.reload?.count ?? 0, hostname: hostname(), os: osName(), now }),
      ...this.process.families(lag, now),
    ];
    if (prometheus) return send(res, 200, PROMETHEUS_CONTENT_TYPE, encodePrometheus(families));
    send(res, 200, 'text/plain', encodeText(families, now));
  }

  /**
   * `/api/v2/reload`: POST or PUT reloads (a 403 when a web page sent it: see `pageRequestRefusal`),
   * GET gives the count, other methods are a 400.
   */
  private async reload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const control = this.options.reload;
    if (req.method === 'GET') return sendJson(res, 200, { hot_reload_count: control?.count ?? 0 });
    if (req.method !== 'POST' && req.method !== 'PUT') return send(res, 400, 'text/plain', '');
    req.resume();
    const refusal = pageRequestRefusal(req.headers);
    if (refusal !== undefined) {
      this.options.log.warn(`[http_server] reload refused: ${refusal}`);
      const refused = refusedReply(refusal);
      return sendJson(res, refused.httpStatus, refused.body);
    }
    const outcome = control ? await control.request('http') : ({ status: 'not enabled' } as const);
    const reply = reloadReply(outcome);
    sendJson(res, reply.httpStatus, reply.body);
  }
}

function formatAddress(listen: string, port: number): string {
  return listen.includes(':') ? `[${listen}]:${port}` : `${listen}:${port}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
