/**
 * The HTTP side of the local AWS endpoint: one port for CloudWatch Logs and Firehose (AWS JSON 1.1,
 * routed by `X-Amz-Target`), STS (AWS Query, routed by `Action`) and S3 (REST, routed by method,
 * path and query: s3.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { CLOUDWATCH_LOGS_OPERATIONS } from './cloudwatch-logs.js';
import { FIREHOSE_OPERATIONS } from './firehose.js';
import { KINESIS_OPERATIONS } from './kinesis.js';
import { isImdsPath, type LocalImds } from './imds.js';
import { AwsServiceError, type Input } from './protocol.js';
import { isS3Request, routeS3, s3ErrorReply, s3Fault, s3Operation, S3_DATA_OPERATIONS } from './s3.js';
import type { Operation, ServiceContext } from './service.js';
import { verifySignature, type SignatureState } from './signature.js';
import { stsErrorXml, stsReply, type AssumeRoleCall } from './sts.js';

const SERVICES: Record<string, { name: string; operations: Record<string, Operation>; throttle: AwsServiceError }> = {
  Logs_20140328: { name: 'logs', operations: CLOUDWATCH_LOGS_OPERATIONS, throttle: new AwsServiceError('ThrottlingException', 'Rate exceeded', 400) },
  Firehose_20150804: { name: 'firehose', operations: FIREHOSE_OPERATIONS, throttle: new AwsServiceError('ServiceUnavailableException', 'Slow down.', 500) },
  Kinesis_20131202: { name: 'kinesis', operations: KINESIS_OPERATIONS, throttle: new AwsServiceError('ProvisionedThroughputExceededException', 'Rate exceeded for stream under account 000000000000.', 400) },
};

/** The calls that carry data: only these see faults (decided before anything is stored). */
export const DATA_OPERATIONS: ReadonlySet<string> = new Set(['PutLogEvents', 'PutRecord', 'PutRecordBatch', 'PutRecords']);

/** Request bodies larger than this are refused whole (413, SerializationException) before they are parsed. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** S3 bodies (an object or a part; the s3 output sends parts of up to 50 MB) larger than this are refused (EntityTooLarge). */
export const MAX_S3_BODY_BYTES = 64 * 1024 * 1024;
const MAX_CALLS_KEPT = 10_000;
/** The bodies of the last this many calls are kept (CallRecord.body). */
export const BODIES_KEPT = 32;

/** One request as the endpoint saw it (the last 10,000 are kept). */
export interface CallRecord {
  operation: string;
  /** From the SigV4 `Authorization` header. */
  accessKeyId: string | undefined;
  headers: Record<string, string>;
  /** JSON and STS calls: `verified` (the key is known, the signature right), `refused` (wrong: answered 403) or `unchecked` (no or an unknown key). */
  signature?: SignatureState | 'refused';
  /** The request body, for the last BODIES_KEPT calls (JSON and STS). */
  body?: Buffer;
}

/** What the endpoint counts and records, for tests to look at. */
export class RequestLog {
  readonly counts = new Map<string, number>();
  readonly calls: CallRecord[] = [];
  readonly assumeRoleCalls: AssumeRoleCall[] = [];

  add(call: CallRecord): CallRecord {
    this.counts.set(call.operation, (this.counts.get(call.operation) ?? 0) + 1);
    this.calls.push(call);
    if (this.calls.length > BODIES_KEPT) delete this.calls[this.calls.length - 1 - BODIES_KEPT]!.body;
    if (this.calls.length > MAX_CALLS_KEPT) this.calls.splice(0, this.calls.length - MAX_CALLS_KEPT);
    return call;
  }
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1', ...headers }, body: JSON.stringify(body) };
}

function jsonError(err: AwsServiceError): Reply {
  return jsonReply(err.status, { __type: err.type, message: err.message }, { 'x-amzn-errortype': err.type });
}

function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size <= limit) parts.push(part);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Access key id and region of a SigV4 `Authorization` header, or undefined when it has no credential scope. */
export function parseAuthorization(header: string): { accessKeyId: string; region: string } | undefined {
  const m = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/.exec(header);
  return m ? { accessKeyId: m[1]!, region: m[2]! } : undefined;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Checks the Authorization header; the region and access key of the call. */
function authorize(req: IncomingMessage, missingType: string): { accessKeyId: string; region: string } {
  const header = req.headers.authorization;
  if (!header) throw new AwsServiceError(missingType, 'Missing Authentication Token', 400);
  const auth = parseAuthorization(header);
  if (!auth) throw new AwsServiceError('IncompleteSignatureException', `Authorization header requires 'Credential' parameter. Authorization=${header}`, 400);
  return auth;
}

export type ContextFactory = (region: string) => ServiceContext;

/** Secret access keys by access key id: requests signed with one of these keys are verified. */
export type KnownSecrets = ReadonlyMap<string, string>;

/** The request handler of the endpoint. */
export function createHandler(
  contextFor: ContextFactory,
  log: RequestLog,
  secrets: KnownSecrets,
  imds?: LocalImds,
  clock: () => number = Date.now,
): (req: IncomingMessage, res: ServerResponse) => void {
  const send = (res: ServerResponse, reply: Reply, requestId: string) => {
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
    res.writeHead(reply.status, { 'content-length': String(body.length), date: new Date(clock()).toUTCString(), ...reply.headers, 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId });
    res.end(body);
  };
  return (req, res) => {
    const requestId = randomUUID();
    // The EC2 instance metadata service (imds.ts) lives under /latest/ on the same port.
    if (imds && isImdsPath(req.url)) return void req.resume().on('end', () => send(res, imds.handle(req), requestId));
    handle(req, contextFor, log, secrets, requestId, clock).then(
      (reply) => send(res, reply, requestId),
      (err: unknown) => send(res, jsonError(new AwsServiceError('InternalFailure', err instanceof Error ? err.message : String(err), 500)), requestId),
    );
  };
}

/** Logs a JSON or STS call (with its body) and checks its signature: throws AwsServiceError when it is wrong. */
function logAndVerify(req: IncomingMessage, operation: string, body: Buffer, log: RequestLog, secrets: KnownSecrets, mismatchType: string, now: number): void {
  const call = log.add({ operation, accessKeyId: req.headers.authorization ? parseAuthorization(req.headers.authorization)?.accessKeyId : undefined, headers: headersOf(req), body });
  try {
    call.signature = verifySignature(req, body, secrets, mismatchType, now);
  } catch (err) {
    call.signature = 'refused';
    throw err;
  }
}

async function handle(req: IncomingMessage, contextFor: ContextFactory, log: RequestLog, secrets: KnownSecrets, requestId: string, clock: () => number): Promise<Reply> {
  if (isS3Request(req)) return handleS3(req, contextFor, log, requestId);
  const body = await readBody(req);
  if (body === undefined) return jsonError(new AwsServiceError('SerializationException', `Request body larger than ${MAX_BODY_BYTES} bytes`, 413));
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return handleJson(req, target, body, contextFor, log, secrets, clock());
  const params = new URLSearchParams(new URL(req.url ?? '/', 'http://local').search);
  if (req.method === 'POST') for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
  const action = params.get('Action');
  if (action === null) return jsonError(new AwsServiceError('UnknownOperationException', 'Neither an X-Amz-Target header nor an Action parameter was given'));
  const xml = (status: number, text: string): Reply => ({ status, headers: { 'content-type': 'text/xml' }, body: text });
  try {
    logAndVerify(req, action, body, log, secrets, 'SignatureDoesNotMatch', clock());
    const { region } = authorize(req, 'MissingAuthenticationToken');
    return xml(200, stsReply(action, params, contextFor(region), log.assumeRoleCalls));
  } catch (err) {
    if (!(err instanceof AwsServiceError)) throw err;
    return xml(err.status, stsErrorXml(err, requestId));
  }
}

async function handleJson(req: IncomingMessage, target: string, body: Buffer, contextFor: ContextFactory, log: RequestLog, secrets: KnownSecrets, now: number): Promise<Reply> {
  const dot = target.lastIndexOf('.');
  const service = SERVICES[target.slice(0, dot)];
  const operationName = target.slice(dot + 1);
  const operation = service && Object.hasOwn(service.operations, operationName) ? service.operations[operationName] : undefined;
  if (!service || !operation) return jsonError(new AwsServiceError('UnknownOperationException', `Unknown operation ${target}`));
  try {
    logAndVerify(req, operationName, body, log, secrets, 'InvalidSignatureException', now);
    const ctx = contextFor(authorize(req, 'MissingAuthenticationTokenException').region);
    let input: Input;
    try {
      const text = body.toString('utf8');
      input = text.trim() === '' ? {} : (JSON.parse(text) as Input);
    } catch {
      throw new AwsServiceError('SerializationException', 'The request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsServiceError('SerializationException', 'The request body must be a JSON object');
    if (DATA_OPERATIONS.has(operationName)) {
      const fault = ctx.faults.call();
      if (ctx.faults.latencyMs > 0) await delay(ctx.faults.latencyMs);
      if (fault.kind === 'throttle') throw service.throttle;
      if (fault.kind === 'server-error') {
        throw fault.status === 500 ? new AwsServiceError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500) : new AwsServiceError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503);
      }
    }
    return jsonReply(200, operation(input, ctx));
  } catch (err) {
    if (!(err instanceof AwsServiceError)) throw err;
    return jsonError(err);
  }
}

async function handleS3(req: IncomingMessage, contextFor: ContextFactory, log: RequestLog, requestId: string): Promise<Reply> {
  const route = routeS3(req);
  log.add({ operation: route.operation, accessKeyId: req.headers.authorization ? parseAuthorization(req.headers.authorization)?.accessKeyId : undefined, headers: headersOf(req) });
  const resource = `/${route.bucket ?? ''}${route.key === undefined ? '' : `/${route.key}`}`;
  try {
    const body = await readBody(req, MAX_S3_BODY_BYTES);
    if (body === undefined) throw new AwsServiceError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (${MAX_S3_BODY_BYTES} bytes here)`);
    if (!req.headers.authorization) throw new AwsServiceError('AccessDenied', 'Access Denied', 403);
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) throw new AwsServiceError('AuthorizationHeaderMalformed', 'The authorization header is malformed; the Credential is mal-formed.');
    const ctx = contextFor(auth.region);
    if (S3_DATA_OPERATIONS.has(route.operation)) {
      const fault = s3Fault(ctx);
      if (ctx.faults.latencyMs > 0) await delay(ctx.faults.latencyMs);
      if (fault) throw fault;
    }
    return s3Operation(route, req, body, ctx);
  } catch (err) {
    if (!(err instanceof AwsServiceError)) throw err;
    return s3ErrorReply(err, requestId, resource);
  }
}
