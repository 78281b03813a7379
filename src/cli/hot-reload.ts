/**
 * Hot reload (`SIGHUP`, `POST /api/v2/reload`), as Fluent Bit's `flb_reload` does it: gated by the
 * running configuration's `Hot_Reload`; the files are read again (same path, same environment) and
 * checked before anything stops; an invalid configuration leaves the running pipeline untouched.
 * A valid one stops the old pipeline (Grace -1, i.e. until everything buffered is delivered, while
 * `hot_reload.ensure_thread_safety` is on, the default; else its Grace), then starts the new one.
 * `hot_reload.timeout` (seconds, 0 = none) bounds the whole swap: past it the agent aborts.
 */
import type { Plan } from '../config/plan/types.js';
import type { ValidationResult } from '../config/validate.js';
import { formatText } from '../diagnostics/format-text.js';
import { maskDiagnostic } from '../diagnostics/secrets.js';
import type { Logger } from '../engine/logger.js';
import type { ReloadControl, ReloadOutcome } from '../engine/monitor/reload-api.js';
import type { Pipeline } from '../engine/pipeline.js';

export interface HotReloadOptions {
  /** Reads and validates the configuration files again. */
  readonly load: () => ValidationResult;
  /** A new, not yet started pipeline for a plan. */
  readonly create: (plan: Plan) => Pipeline;
  /** The agent's log (`[reload]` lines). */
  readonly log: Logger;
  /** Where diagnostics of a rejected configuration are printed. */
  readonly stderr: (text: string) => void;
  /** Called after a successful swap (the monitoring server follows the new settings). */
  readonly swapped?: (previous: Pipeline, current: Pipeline) => Promise<void> | void;
  /** The new pipeline failed to start (Fluent Bit exits): the agent must stop. */
  readonly fatal: (message: string) => void;
  /** `hot_reload.timeout` expired (Fluent Bit's watchdog calls abort()): the process must end now. */
  readonly abort: (message: string) => void;
}

export class HotReload implements ReloadControl {
  private reloaded = 0;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private current: Pipeline,
    private readonly options: HotReloadOptions,
  ) {}

  get pipeline(): Pipeline {
    return this.current;
  }

  get count(): number {
    return this.reloaded;
  }

  /** Refuses every later request (the agent is shutting down) and resolves when no reload is running. */
  async shutdown(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }

  async request(via: 'signal' | 'http'): Promise<ReloadOutcome> {
    const log = this.options.log;
    const service = this.current.plan.service;
    if (!service.hot_reload) {
      log.warn(`hot reloading is not enabled (requested by ${via === 'signal' ? 'SIGHUP' : 'HTTP'}); set [SERVICE] Hot_Reload On`);
      return { status: 'not enabled' };
    }
    if (this.running || this.closed) {
      log.error(this.closed ? 'shutting down: reload request refused' : 'reloading is in progress: request refused');
      return { status: 'in progress' };
    }
    log.info(`reloading instance pid=${process.pid} (${via === 'signal' ? 'SIGHUP' : 'HTTP'})`);
    const result = this.options.load();
    if (result.diagnostics.length > 0) this.options.stderr(formatText(result.diagnostics, result.sources, result.files.length));
    if (!result.ok) {
      log.error('reloaded config is invalid. Reloading is halted');
      return { status: 'invalid', files: result.files, diagnostics: result.diagnostics.map(maskDiagnostic) };
    }
    const grace = service['hot_reload.ensure_thread_safety'] ? -1 : service.grace;
    const timeout = service['hot_reload.timeout'];
    this.running = this.swap(result.plan, grace, timeout).finally(() => {
      this.running = undefined;
    });
    return { status: 'done' };
  }

  private async swap(plan: Plan, grace: number, timeoutSec: number): Promise<void> {
    let watchdog: NodeJS.Timeout | undefined;
    if (timeoutSec > 0) {
      watchdog = setTimeout(() => this.options.abort(`[hot_reload_watchdog] Hot reload timeout exceeded (${timeoutSec} seconds), aborting to prevent indefinite hang`), timeoutSec * 1000);
    }
    try {
      await this.replace(plan, grace);
    } catch (err) {
      this.options.fatal(`reload failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(watchdog);
    }
  }

  /** Stops the current pipeline, then starts one for `plan`. */
  private async replace(plan: Plan, grace: number): Promise<void> {
    const log = this.options.log;
    const previous = this.current;
    log.info('stop everything of the old context');
    await previous.stop(grace);
    log.info('start everything');
    const next = this.options.create(plan);
    this.current = next;
    try {
      await next.start();
    } catch (err) {
      await next.stop(0);
      this.options.fatal(`loaded configuration contains error(s). Reloading is aborted: ${(err as Error).message}`);
      return;
    }
    this.reloaded++;
    await this.options.swapped?.(previous, next);
    log.info(`successful reload done (${this.reloaded} time(s))`);
  }
}
