/**
 * What an http input request body holds, as Fluent Bit 4.2's in_http reads it (`http_prot.c`,
 * the default HTTP/1.1+2 server): `application/json` (exactly; a charset parameter is refused) is
 * a stream of JSON values, each object a record, the first array's objects records and nothing
 * after that array read; `application/x-www-form-urlencoded` is one record of its fields.
 */
import { scanJson } from '../tcp/frames.js';

/** Fluent Bit's 400 answers (body text, with its trailing newline). */
export const ANSWERS = {
  noContentType: "error: header 'Content-Type' is not set\n",
  badContentType: "error: invalid 'Content-Type'\n",
  noPayload: 'error: no payload found\n',
  unprocessable: 'error: unable to process records\n',
  badMethod: 'error: invalid HTTP method\n',
  badRequest: 'error: invalid request\n',
} as const;

/** Values of a body that are not records, and why. */
export interface Skipped {
  readonly reason: string;
  readonly count: number;
}

export type BodyRecord = Readonly<Record<string, unknown>>;

/** Records read from a body, and what could not be read (each refused item with why, or the error that ends the request with a 400). */
export interface BodyOutcome {
  readonly records: BodyRecord[];
  /** Items refused but not failing the request (Fluent Bit drops them and answers success). */
  readonly skipped: Skipped[];
  /** The request fails with 400 `answer` (the records before the failure are still emitted, as Fluent Bit does). */
  readonly error?: { readonly answer: string; readonly reason: string };
}

const isObject = (v: unknown): v is BodyRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The records of a JSON body. */
export function jsonRecords(body: Buffer): BodyOutcome {
  const scan = scanJson(body);
  if (scan.invalid !== undefined) return { records: [], skipped: [], error: { answer: ANSWERS.unprocessable, reason: `invalid JSON message (${scan.invalid})` } };
  if (body.subarray(scan.consumed).some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) {
    return { records: [], skipped: [], error: { answer: ANSWERS.unprocessable, reason: 'JSON data is incomplete' } };
  }
  const records: BodyRecord[] = [];
  const skipped: Skipped[] = [];
  for (let i = 0; i < scan.messages.length; i++) {
    const m = scan.messages[i]!;
    if (!m.ok) return { records, skipped, error: { answer: ANSWERS.unprocessable, reason: m.reason } };
    if (!Array.isArray(m.value)) {
      records.push(m.value as BodyRecord);
      continue;
    }
    for (const item of m.value) {
      if (isObject(item)) records.push(item);
      else skipped.push({ reason: `array item(s) that are not objects (${item === null ? 'null' : typeof item})`, count: 1 });
    }
    const after = scan.messages.length - i - 1;
    if (after > 0) skipped.push({ reason: 'JSON value(s) after an array (Fluent Bit reads none)', count: after });
    break;
  }
  return { records, skipped };
}

/** `%41` and `+` decoded; undefined when a `%` is not followed by two hex digits (Fluent Bit then keeps the raw value). */
function formDecode(text: string): string | undefined {
  return /%(?![0-9a-fA-F]{2})/.test(text) ? undefined : decodeBytes(text);
}

/** Percent-decoding on bytes, so that escapes of a UTF-8 sequence join into one character. */
function decodeBytes(text: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(text.replace(/\+/g, ' '), 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25) {
      bytes.push(Number.parseInt(raw.toString('latin1', i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(raw[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The record of a form body (parse_payload_urlencoded): fields split at `&`, a leading newline
 * dropped, fields without `=` or with an empty name skipped, names and values trimmed, values
 * percent-decoded (`+` is a space). Fluent Bit keeps a value with a broken escape as written
 * (`invalid` names those fields); a body with no field at all is a 400 here.
 */
export function formRecord(body: Buffer): BodyOutcome & { readonly invalid: string[] } {
  const record: Record<string, unknown> = {};
  const invalid: string[] = [];
  let fields = 0;
  for (const part of body.toString('utf8').split('&')) {
    const field = part.startsWith('\n') ? part.slice(1) : part;
    const eq = field.indexOf('=');
    if (field.length === 0 || eq <= 0) continue;
    const name = field.slice(0, eq).trim();
    const raw = field.slice(eq + 1).trim();
    const value = formDecode(raw);
    if (value === undefined) invalid.push(name);
    record[name] = value ?? raw;
    fields++;
  }
  if (fields === 0) return { records: [], skipped: [], invalid, error: { answer: ANSWERS.unprocessable, reason: 'no form field' } };
  return { records: [record], skipped: [], invalid };
}
