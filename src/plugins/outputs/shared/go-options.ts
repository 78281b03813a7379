/**
 * Option values as the AWS Go output plugins (kinesis, firehose, cloudwatch of AWS for Fluent Bit)
 * read them: flags compare with 'true'/'false' ignoring case (anything else is the default), counts
 * go through strconv.Atoi.
 */
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';

/** A flag read like the Go plugins' getBoolParam: `true`/`false` in any case, anything else is `fallback`. */
export function goFlag(fallback: boolean, doc: string) {
  return opt.custom('bool', { default: String(fallback), doc }, (text): ParseOutcome<boolean> => {
    const t = text.trim().toLowerCase();
    if (t === 'true') return { ok: true, value: true };
    if (t === 'false') return { ok: true, value: false };
    return { ok: true, value: fallback, warning: `the Go plugin reads only 'true' or 'false' here, so '${text}' is ${fallback}` };
  });
}

/** A non-negative integer as the Go plugins' parseNonNegativeConfig reads it (strconv.Atoi). */
export function goCount(doc: string) {
  return opt.custom('int', { doc }, (text): ParseOutcome<number> => {
    const t = text.trim();
    if (!/^[+-]?\d+$/.test(t)) return { ok: false, message: `'${text}' is not an integer`, hint: 'the Go plugin refuses to start (strconv.Atoi)' };
    const n = Number(t);
    if (n < 0) return { ok: false, message: `'${text}' must be a non-negative number` };
    return { ok: true, value: n };
  });
}
