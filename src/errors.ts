import type { Diagnostic } from './diagnostics/diagnostic.js';

/** Base class of logferry's errors: a literal `name` and a stable `code` (like undici and the AWS SDK). */
export class LogferryError extends Error {
  override readonly name: string = 'LogferryError';
  readonly code: string = 'LOGFERRY_ERROR';
}

/** The configuration has errors; `diagnostics` says which and where. */
export class ConfigError extends LogferryError {
  override readonly name = 'ConfigError' as const;
  override readonly code = 'LOGFERRY_CONFIG' as const;

  constructor(
    readonly diagnostics: readonly Diagnostic[],
    message = `configuration has ${diagnostics.filter((d) => d.severity === 'error').length} error(s)`,
  ) {
    super(message);
  }
}

/** The pipeline could not start or run (a plugin failed to start, an unsupported plugin). */
export class PipelineError extends LogferryError {
  override readonly name = 'PipelineError' as const;
  override readonly code = 'LOGFERRY_PIPELINE' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A `lib` input refused records: it is over its limit and its hold queue is full. None of the
 * records of the call were taken (`records` says how many): push them again after `'drain'`.
 */
export class BackpressureError extends LogferryError {
  override readonly name = 'BackpressureError' as const;
  override readonly code = 'LOGFERRY_BACKPRESSURE' as const;

  constructor(
    message: string,
    readonly records: number,
  ) {
    super(message);
  }
}

/**
 * An output could not deliver a batch. `retryable` says whether the engine should retry the chunk
 * (throttling, 5xx, network) or drop it with the reason (a request the service will never accept);
 * `serviceError` is the service's error name (e.g. `ThrottlingException`) when it answered.
 */
export class DeliveryError extends LogferryError {
  override readonly name = 'DeliveryError' as const;
  override readonly code = 'LOGFERRY_DELIVERY' as const;
  readonly retryable: boolean;
  readonly serviceError: string | undefined;

  constructor(message: string, options: { retryable: boolean; serviceError?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    this.serviceError = options.serviceError;
  }
}
