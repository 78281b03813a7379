/**
 * Request bodies of Firehose PutRecordBatch and Kinesis PutRecords written here, not by the SDK.
 *
 * The SDK's JSON serializer encodes every record's `Data` to base64 in a JavaScript loop and walks
 * the schema per record: about a fifth of the agent's CPU when it ships to Firehose. Node's own
 * base64 (`Buffer#toString('base64')`) is several times faster. So the command is given to the SDK
 * without records (its serializer writes a tiny body and the request line and headers as usual),
 * and a middleware placed right after the SDK's serializer swaps in the full body written here.
 * Everything else stays the SDK's: endpoint, content length, signing, retries and the reading of
 * the answer. The bodies are byte for byte what the SDK writes for the same input (tested).
 */
import type { DeserializeMiddleware, FinalizeHandlerArguments, MetadataBearer, MiddlewareStack, SerializeMiddleware } from '@smithy/types';
import type { RecordResult } from './record-results.js';

/** The bytes of one record and, for Kinesis, its partition key. */
export interface BodyRecord {
  readonly data: Uint8Array;
  readonly partitionKey?: string;
}

function base64(data: Uint8Array): string {
  return (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString('base64');
}

/** `{"DeliveryStreamName":…,"Records":[{"Data":"…"},…]}` as the SDK writes it. */
export function putRecordBatchBody(deliveryStream: string, records: readonly Uint8Array[]): string {
  let body = `{"DeliveryStreamName":${JSON.stringify(deliveryStream)},"Records":[`;
  for (let i = 0; i < records.length; i++) body += `${i > 0 ? ',' : ''}{"Data":"${base64(records[i]!)}"}`;
  return `${body}]}`;
}

/** `{"Records":[{"Data":"…","PartitionKey":"…"},…],"StreamName":…}` as the SDK writes it. */
export function putRecordsBody(stream: string, records: readonly BodyRecord[]): string {
  let body = '{"Records":[';
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    body += `${i > 0 ? ',' : ''}{"Data":"${base64(r.data)}"${r.partitionKey !== undefined ? `,"PartitionKey":${JSON.stringify(r.partitionKey)}` : ''}}`;
  }
  return `${body}],"StreamName":${JSON.stringify(stream)}}`;
}

/**
 * Makes the command of `stack` send `body` instead of what the SDK serialized from its input.
 * Give the command an input without the records; `body` holds them.
 */
export function withRequestBody<I extends object, O extends MetadataBearer>(stack: MiddlewareStack<I, O>, body: string | Uint8Array): void {
  const swapBody: SerializeMiddleware<I, O> = (next) => async (args) => {
    const request = (args as FinalizeHandlerArguments<I>).request as { body?: unknown } | undefined;
    if (request === undefined || typeof request !== 'object') throw new Error('logferry: the SDK built no HTTP request to put the record batch in');
    request.body = body;
    return next(args);
  };
  stack.addRelativeTo(swapBody, { relation: 'after', toMiddleware: 'serializerMiddleware', name: 'logferryRecordBatchBody', override: true });
}

/** The per-record results of one answer, taken out of it before the SDK reads it. */
export interface RecordResultsHolder {
  results?: RecordResult[] | undefined;
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The answer's list of per-record results (`RequestResponses` of PutRecordBatch, `Records` of
 * PutRecords: one entry per record sent, 500 at most) is read with JSON.parse into `holder` and
 * taken out of the body before the SDK's deserializer walks it entry by entry (a fifth of the
 * agent's CPU with small records). Only successful (200) answers are touched: errors reach the
 * SDK as they came, and the command's output carries everything but the list.
 */
export function withCompactRecordResults<I extends object, O extends MetadataBearer>(stack: MiddlewareStack<I, O>, listKey: 'RequestResponses' | 'Records', holder: RecordResultsHolder): void {
  const takeResults: DeserializeMiddleware<I, O> = (next) => async (args) => {
    const out = await next(args);
    const response = out.response as { statusCode?: number; body?: unknown } | undefined;
    if (response?.statusCode !== 200 || response.body === undefined) return out;
    const bytes = await bodyBytes(response.body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      response.body = bytes; // Not JSON: the SDK reports it as it would have.
      return out;
    }
    const list = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[listKey] : undefined;
    if (!Array.isArray(list)) {
      response.body = bytes;
      return out;
    }
    holder.results = list as RecordResult[];
    (parsed as Record<string, unknown>)[listKey] = [];
    response.body = Buffer.from(JSON.stringify(parsed));
    return out;
  };
  stack.addRelativeTo(takeResults, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'logferryRecordResults', override: true });
}

/**
 * Both halves for one PutRecordBatch / PutRecords command: it sends `body` (give it an input
 * without records), and the per-record results of a successful answer land in the returned holder
 * (read them with the output's own list as the fallback).
 */
export function recordBatchExchange<I extends object, O extends MetadataBearer>(stack: MiddlewareStack<I, O>, body: string | Uint8Array, listKey: 'RequestResponses' | 'Records'): RecordResultsHolder {
  const answer: RecordResultsHolder = {};
  withRequestBody(stack, body);
  withCompactRecordResults(stack, listKey, answer);
  return answer;
}
