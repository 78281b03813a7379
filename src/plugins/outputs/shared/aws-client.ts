/**
 * What the AWS outputs share: the SDK v3 client configuration built from Fluent Bit's options
 * (region, endpoint, profile, role_arn + external_id + sts_endpoint, extra_user_agent,
 * auto_retry_requests), and the reading of SDK errors as DeliveryError (retry or drop).
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AgentOptions as HttpAgentOptions } from 'node:http';
import type { AgentOptions } from 'node:https';
import { DeliveryError } from '../../../errors.js';
import type { OUTPUT_COMMON } from '../../../options/common.js';
import type { OptionsOf } from '../../../options/spec.js';
import type { CloudwatchLogsOptions } from '../cloudwatch_logs/options.js';
import type { AWS_CREDENTIAL_KEYS } from './aws-options.js';
import { cachedProvider } from './aws-credentials.js';
import { tlsAgentOptions, type TlsKeys } from './tls-agent.js';

/**
 * What the AWS client reads of an instance's options, as the plan types them: the common `tls.*`,
 * `Port` and the `net.*` keys the AWS outputs act on (the rest are declared unsupported,
 * net-options.ts), the shared credential keys (aws-options.ts; the Go kinesis table has only some),
 * and `region`, `endpoint`, `extra_user_agent`, `auto_retry_requests`, whose docs and parsing differ
 * per table (cloudwatch_logs has them all; a table without one leaves it unset).
 */
export type AwsOptions = TlsKeys &
  Pick<OptionsOf<typeof OUTPUT_COMMON>, 'port' | 'net.connect_timeout' | 'net.io_timeout' | 'net.keepalive' | 'net.source_address' | 'net.max_worker_connections'> &
  Partial<Pick<OptionsOf<typeof AWS_CREDENTIAL_KEYS>, 'role_arn' | 'external_id' | 'sts_endpoint' | 'profile'>> &
  Pick<CloudwatchLogsOptions, 'region'> &
  Partial<Pick<CloudwatchLogsOptions, 'endpoint' | 'extra_user_agent' | 'auto_retry_requests'>>;

/** The part of an SDK client configuration logferry sets (shared by CloudWatch Logs and Firehose). */
export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials: AwsCredentialIdentityProvider;
  maxAttempts: number;
  customUserAgent?: string;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true; httpsAgent: AgentOptions; httpAgent: HttpAgentOptions };
}

/**
 * An endpoint as the SDK wants it (a URL). Fluent Bit takes a host name and strips `https://`;
 * logferry accepts both: a URL is used as written (so http://127.0.0.1:4566 works for local
 * endpoints), a bare host gets https.
 */
export function endpointUrl(value: string | undefined, port?: number): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return v.replace(/\/+$/, '');
  const host = v.replace(/\/+$/, '');
  // Port: Fluent Bit's upstream uses it with the endpoint host (a host written with a port keeps it).
  return port !== undefined && port > 0 && !/:\d+$/.test(host) ? `https://${host}:${port}` : `https://${host}`;
}

/**
 * Credentials: `role_arn` assumes the role with STS (from the profile's or the default chain's
 * credentials, `external_id` if set, STS at `sts_endpoint` if set); else `profile` reads the shared
 * config files; else the SDK's default chain (environment, files, container, instance metadata).
 * The SDK's providers are loaded at the first fetch, and not at all where the default chain's first
 * step, the environment's keys, gives the credentials (environmentCredentials).
 */
export function credentialsFor(o: Pick<AwsOptions, 'region' | 'profile' | 'role_arn' | 'external_id' | 'sts_endpoint'>, sessionName: string): AwsCredentialIdentityProvider {
  let sdk: Promise<AwsCredentialIdentityProvider> | undefined;
  return async (options) => {
    if (o.profile === undefined && o.role_arn === undefined) {
      const fromEnvironment = environmentCredentials(process.env);
      if (fromEnvironment !== undefined) return fromEnvironment;
    }
    return (await (sdk ??= sdkCredentials(o, sessionName)))(options);
  };
}

/**
 * What the SDK's default chain answers from the environment alone (its `fromEnv`, taken first
 * unless AWS_PROFILE is set): the access key pair, with the session token, expiry, scope and
 * account where set; undefined when the chain would look further.
 */
export function environmentCredentials(env: Readonly<Record<string, string | undefined>>): AwsCredentialIdentity | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (env['AWS_PROFILE'] || !accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const expiry = env['AWS_CREDENTIAL_EXPIRATION'];
  const credentialScope = env['AWS_CREDENTIAL_SCOPE'];
  const accountId = env['AWS_ACCOUNT_ID'];
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiry ? { expiration: new Date(expiry) } : {}),
    ...(credentialScope ? { credentialScope } : {}),
    ...(accountId ? { accountId } : {}),
  };
}

/** The SDK's provider for the options (credentialsFor), its module loaded now. */
async function sdkCredentials(o: Pick<AwsOptions, 'region' | 'profile' | 'role_arn' | 'external_id' | 'sts_endpoint'>, sessionName: string): Promise<AwsCredentialIdentityProvider> {
  const { fromIni, fromNodeProviderChain, fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const base = o.profile !== undefined ? fromIni({ profile: o.profile }) : fromNodeProviderChain();
  if (o.role_arn === undefined) return base;
  const sts = endpointUrl(o.sts_endpoint);
  return fromTemporaryCredentials({
    masterCredentials: base,
    params: {
      RoleArn: o.role_arn,
      RoleSessionName: sessionName,
      ...(o.external_id !== undefined ? { ExternalId: o.external_id } : {}),
    },
    clientConfig: { region: o.region, ...(sts !== undefined ? { endpoint: sts } : {}), maxAttempts: 2 },
  });
}

/**
 * The SDK client configuration. `auto_retry_requests` is one immediate retry in Fluent Bit, so
 * the SDK makes at most 2 attempts (1 when off); the real retries are the engine's (Retry_Limit).
 */
export function awsClientConfig(o: AwsOptions, sessionName: string): AwsClientConfig {
  const endpoint = endpointUrl(o.endpoint, o.port);
  return {
    region: o.region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    // Kept between requests here, so the SDK client and the data-plane client share one fetch.
    credentials: cachedProvider(credentialsFor(o, sessionName)),
    maxAttempts: o.auto_retry_requests === false ? 1 : 2,
    ...(o.extra_user_agent !== undefined && o.extra_user_agent !== '' ? { customUserAgent: o.extra_user_agent } : {}),
    requestHandler: connectionSettings(o),
  };
}

/** Waiting for an answer when net.io_timeout is 0 (Fluent Bit: no limit; a hung request would hold the chunk). */
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * Connections as Fluent Bit's upstream makes them: `net.connect_timeout` (default 10 s),
 * `net.io_timeout` (0: at most 60 s here), `net.keepalive`, `net.source_address`,
 * `net.max_worker_connections` (0: the SDK's 50), and the `tls.*` keys for https endpoints.
 */
function connectionSettings(o: AwsOptions): AwsClientConfig['requestHandler'] {
  const net: HttpAgentOptions = {
    keepAlive: o['net.keepalive'],
    ...(o['net.source_address'] ? { localAddress: o['net.source_address'] } : {}),
    ...(o['net.max_worker_connections'] > 0 ? { maxSockets: o['net.max_worker_connections'] } : {}),
  };
  return {
    connectionTimeout: o['net.connect_timeout'],
    requestTimeout: o['net.io_timeout'] > 0 ? o['net.io_timeout'] : DEFAULT_REQUEST_TIMEOUT_MS,
    // Without it the SDK's handler only logs a warning when requestTimeout passes and keeps waiting.
    throwOnRequestTimeout: true,
    httpAgent: net,
    httpsAgent: { ...net, ...tlsAgentOptions(o) },
  };
}

/** Service errors worth retrying whatever their HTTP status says. */
const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'OperationAbortedException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  // Credentials can be fixed or refreshed while the chunk waits (Fluent Bit retries them too).
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  // Refused for the request's time: the next attempt is signed on the service's clock (aws-clock.ts).
  'RequestTimeTooSkewed',
  'RequestExpired',
  'RequestInTheFuture',
  'AccessDeniedException',
  'CredentialsProviderError',
]);

/** Node network error codes: the request may not have reached the service. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * An SDK error as a DeliveryError: throttling, 5xx, network and credential errors are retryable;
 * other 4xx answers (InvalidParameterException, ValidationException, ...) are not, since sending
 * the same request again cannot succeed.
 */
export function toDeliveryError(err: unknown, operation: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SdkErrorShape;
  const name = e.name && e.name !== 'Error' ? e.name : undefined;
  const status = e.$metadata?.httpStatusCode;
  const network = (e.code !== undefined && NETWORK_CODES.has(e.code)) || (status === undefined && e.$fault === undefined);
  const retryable =
    network || (name !== undefined && RETRYABLE_NAMES.has(name)) || (status !== undefined && (status >= 500 || status === 429)) || e.$retryable !== undefined;
  const what = name ?? e.code ?? (status !== undefined ? `HTTP ${status}` : 'error');
  const message = `${operation} failed: ${what}${e.message && e.message !== name ? `: ${e.message}` : ''}`;
  return new DeliveryError(message, { retryable, ...(name !== undefined ? { serviceError: name } : {}), cause: err });
}

/** Whether an SDK error is the service's error of this name. */
export function isServiceError(err: unknown, name: string): boolean {
  return typeof err === 'object' && err !== null && (err as SdkErrorShape).name === name;
}

/**
 * Removes the SDK's logger middleware: logferry gives the SDK no logger, yet the middleware walks
 * every request and response to mask sensitive fields for it (a few % of CPU per record).
 */
export function withoutSdkLogging(client: { middlewareStack: { remove: (name: string) => boolean } }): void {
  client.middlewareStack.remove('loggerMiddleware');
}
