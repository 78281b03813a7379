import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { parseKeyOrAccessor, type RecordAccessor } from '../../../record/accessor.js';
import { DOWNSTREAM_NET_KEYS } from '../shared/listener-options.js';

/** Fluent Bit's in_http port when Port is unset or 0. */
export const HTTP_DEFAULT_PORT = 9880;

/** The answers Fluent Bit accepts for successful_response_code; any other value is replaced by 201 at start. */
const SUCCESS_CODES = [200, 201, 204] as const;

/** The options of `http` (its own keys; defineInput merges the common ones). */
export const HTTP_INPUT_OPTIONS = {
  ...DOWNSTREAM_NET_KEYS,
  listen: opt.string({ default: '0.0.0.0', doc: 'Address to listen on' }),
  port: opt.int({ default: '9880', min: 0, max: 65535, doc: 'TCP port to listen on (0 = 9880)' }),
  http2: notActedOn(
    opt.bool({ default: 'true', doc: "Serve HTTP/2 as well as HTTP/1.1 (Off: Fluent Bit's legacy HTTP/1 server)" }),
    "only HTTP/1.1 is served, answering as Fluent Bit's default server does (its legacy server, http2 Off, also accepts 'application/json; charset=...' and words some errors differently)",
  ),
  buffer_max_size: opt.size({ default: '4M', doc: 'Largest request (headers and body); beyond it the answer is 413 and the connection is closed' }),
  buffer_chunk_size: notActedOn(opt.size({ default: '512K', doc: 'Initial allocation of the request buffer' }), 'requests are read as they arrive, up to Buffer_Max_Size; there is no allocation step to tune'),
  success_header: opt.custom(
    'header',
    { multiple: true, doc: 'Header added to successful answers, `Name value`; repeat the key for several' },
    (text): ParseOutcome<readonly [string, string]> => {
      const m = /^\s*(\S+)\s+(.*\S)\s*$/.exec(text);
      return m ? { ok: true, value: [m[1]!, m[2]!] } : { ok: false, message: `success_header '${text}' must be a name and a value separated by a space`, hint: 'e.g. Success_Header X-Received yes' };
    },
  ),
  tag_key: opt.custom('accessor', { doc: 'Record key (or $record[accessor]) whose string value is the tag of that record' }, (text): ParseOutcome<RecordAccessor> => {
    const a = parseKeyOrAccessor(text);
    return a.ok ? { ok: true, value: a.accessor } : { ok: false, message: `invalid record accessor pattern for tag_key: ${a.message}`, ...(a.hint ? { hint: a.hint } : {}) };
  }),
  successful_response_code: opt.int({ default: '201', doc: 'Status of a successful answer: 200, 201 or 204 (Fluent Bit uses 201 for any other)' }),
} as const;

/** The typed options the `http` runtime receives (common keys included). */
export type HttpInputOptions = OptionsOfTable<'input', typeof HTTP_INPUT_OPTIONS>;

/** The status a successful request gets: successful_response_code when Fluent Bit accepts it, else 201. */
export function successCode(o: HttpInputOptions): number {
  return (SUCCESS_CODES as readonly number[]).includes(o.successful_response_code) ? o.successful_response_code : 201;
}

/** Cross-key rules of the `http` input (the definition's `check`). */
export function checkHttpInput(o: HttpInputOptions, ctx: CheckContext): void {
  if (successCode(o) !== o.successful_response_code) {
    ctx.report('invalid-value', `${o.successful_response_code} is not a supported response code; Fluent Bit answers 201`, { key: 'successful_response_code', severity: 'warning', hint: 'use 200, 201 or 204' });
  }
  if (o.tls && (!o['tls.crt_file'] || !o['tls.key_file'])) {
    ctx.report('missing-required', 'tls On needs tls.crt_file and tls.key_file on a listening input', { key: 'tls' });
  }
}
