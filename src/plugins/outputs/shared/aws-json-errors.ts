/**
 * The errors of the AWS JSON-1.1 data-plane client (aws-json-client.ts), shaped as the SDK v3
 * shapes its own so that `toDeliveryError` and `isServiceError` (aws-client.ts) read them alike:
 * a service error is named by its error code (`x-amzn-ErrorType`, else the body's `code` or
 * `__type`, without the `namespace#` prefix and the `:…` suffix), carries `$fault` and
 * `$metadata.httpStatusCode`; network errors keep Node's `code`; timeouts are `TimeoutError`.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** An error answer of the service (the SDK's ServiceException). */
export class AwsServiceException extends Error {
  override readonly name: string;
  readonly $fault: 'client' | 'server';
  readonly $metadata: {
    readonly httpStatusCode: number;
    readonly requestId?: string | undefined;
    readonly attempts: number;
    readonly totalRetryDelay: number;
    /** The answer corrected the client's clock (the SDK's flag): the same request signed again may pass. */
    readonly clockSkewCorrected?: true;
  };

  constructor(name: string, message: string, status: number, requestId: string | undefined, attempts: number, clockSkewCorrected = false) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId, attempts, totalRetryDelay: 0, ...(clockSkewCorrected ? { clockSkewCorrected: true as const } : {}) };
  }
}

/** The SDK's sanitizeErrorCode: `aws.protocoltests#Name:http://…` → `Name`. */
export function errorCode(raw: string): string {
  let code = raw;
  if (code.includes(',')) code = code.split(',')[0]!;
  if (code.includes(':')) code = code.split(':')[0]!;
  if (code.includes('#')) code = code.split('#')[1]!;
  return code;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The exception for an answer with status >= 300. Its name is the error code or, when the answer
 * names none, the status (as the SDK names an unmodeled error); its message the body's `message`
 * or `Message` (`UnknownError` when there is none, as the SDK's).
 */
export function serviceException(status: number, headers: IncomingHttpHeaders, body: Buffer, attempts: number, clockSkewCorrected = false): AwsServiceException {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page): named by the status.
  }
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const raw = header(headers, 'x-amzn-errortype') ?? text(parsed['code']) ?? text(parsed['__type']);
  const name = raw !== undefined ? errorCode(raw) : String(status);
  const message = text(parsed['message']) ?? text(parsed['Message']) ?? 'UnknownError';
  return new AwsServiceException(name, message, status, header(headers, 'x-amzn-requestid'), attempts, clockSkewCorrected);
}

/** A timeout as the SDK's node-http-handler reports it (name TimeoutError). */
export function timeoutError(message: string, code?: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError', ...(code !== undefined ? { code } : {}) });
}

/** Node's socket errors the SDK renames TimeoutError (keeping the code). */
const TIMEOUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** A network error as the SDK's handler passes it on. */
export function networkError(err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && TIMEOUT_CODES.has(code)) err.name = 'TimeoutError';
  return err;
}

const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether the SDK's standard retry strategy would try the request again: throttling (429 or a
 * throttling code), transient (timeouts, network errors), a server error (5xx), or a request refused for
 * its time that the answer's Date corrected (the SDK's clock-skew retry).
 */
export function sdkRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean } };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    status === 429 ||
    e.$metadata?.clockSkewCorrected === true ||
    (e.name === 'InvalidSignatureException' && e.message?.includes('Signature expired') === true) ||
    (status >= 500 && status <= 599) ||
    (e.name !== undefined && (THROTTLING.has(e.name) || TRANSIENT.has(e.name))) ||
    (e.code !== undefined && TRANSIENT_CODES.has(e.code))
  );
}
