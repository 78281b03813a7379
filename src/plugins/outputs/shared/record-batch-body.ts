/**
 * Request bodies of Firehose PutRecordBatch and Kinesis PutRecords written here, not by the SDK.
 *
 * The SDK's JSON serializer encodes every record's `Data` to base64 in a JavaScript loop and walks
 * the schema per record: about a fifth of the agent's CPU when it ships to Firehose. Here each
 * record's base64 is Node's own (`Buffer#toString('base64')` of the record's range in the chunk's
 * data, several times faster), written into the body Buffer (joining strings costs more). So the command is given to the SDK
 * without records (its serializer writes a tiny body and the request line and headers as usual),
 * and a middleware placed right after the SDK's serializer swaps in the full body written here.
 * Everything else stays the SDK's: endpoint, content length, signing, retries and the reading of
 * the answer. The bodies are byte for byte what the SDK writes for the same input (tested).
 */
import type { DeserializeMiddleware, FinalizeHandlerArguments, MetadataBearer, MiddlewareStack, SerializeMiddleware } from '@smithy/types';
import type { RecordResult } from './record-results.js';
import type { ByteWriter } from './record-bytes.js';
import type { RecordDatas } from './record-batches.js';

const COMMA = 44;
const DATA_START = Buffer.from('{"Data":"');
const DATA_END = Buffer.from('"}');
const KEY_START = Buffer.from('","PartitionKey":');

/** `{"DeliveryStreamName":…,"Records":[{"Data":"…"},…]}` as the SDK writes it, of records `indexes`. */
export function putRecordBatchBody(deliveryStream: string, records: RecordDatas, indexes: readonly number[], w: ByteWriter): Buffer {
  w.ascii('{"DeliveryStreamName":');
  w.jsonString(deliveryStream);
  w.ascii(',"Records":[');
  for (let j = 0; j < indexes.length; j++) {
    const i = indexes[j]!;
    if (j > 0) w.byte(COMMA);
    w.copy(DATA_START, 0, DATA_START.length);
    records.base64(i, w);
    w.copy(DATA_END, 0, DATA_END.length);
  }
  w.ascii(']}');
  return w.take();
}

/** `{"Records":[{"Data":"…","PartitionKey":"…"},…],"StreamName":…}` as the SDK writes it, of records `indexes`. */
export function putRecordsBody(stream: string, records: RecordDatas, partitionKeys: readonly string[], indexes: readonly number[], w: ByteWriter): Buffer {
  w.ascii('{"Records":[');
  for (let j = 0; j < indexes.length; j++) {
    const i = indexes[j]!;
    if (j > 0) w.byte(COMMA);
    w.copy(DATA_START, 0, DATA_START.length);
    records.base64(i, w);
    w.copy(KEY_START, 0, KEY_START.length);
    w.jsonString(partitionKeys[i]!);
    w.byte(125);
  }
  w.ascii('],"StreamName":');
  w.jsonString(stream);
  w.byte(125);
  return w.take();
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
