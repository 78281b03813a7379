/**
 * The parsers behind the built-in `docker` and `cri` multiline parsers (`_ml_json_docker` in
 * `flb_ml_parser_docker.c`, `_ml_cri` in `flb_ml_parser_cri.c`, 4.2.8), with fast paths that read
 * the fixed line layouts with `indexOf` and slices. Anything the fast path does not recognise goes
 * through the generic parser with the same definition, so results are the same either way.
 */
import type { ParserOptions } from '../../config/plan/types.js';
import type { LogRecord } from '../../engine/event.js';
import { compileRegex } from '../regex.js';
import { JsonParser } from '../runtime/json-parser.js';
import { ParserBase } from '../runtime/parser-base.js';
import { RegexParser } from '../runtime/regex-parser.js';

const CRI_REGEX = '^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$';
const CRI_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%L%z';
const DOCKER_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%L';

function builtinOptions(name: string, format: 'json' | 'regex', timeFormat: string, regex?: string): ParserOptions {
  const compiled = regex === undefined ? undefined : compileRegex(regex);
  return {
    name,
    format,
    regex: compiled !== undefined && compiled.ok ? compiled.regex : undefined,
    time_key: 'time',
    time_format: timeFormat,
    time_offset: undefined,
    time_keep: true,
    time_strict: false,
    time_system_timezone: false,
    time_zone: undefined,
    types: undefined,
    decode_field: [],
    decode_field_as: [],
    skip_empty_values: format === 'json',
    logfmt_no_bare_keys: false,
  };
}

/**
 * `_ml_cri`: `^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$`, time kept, empty
 * values kept, time not strict. Record keys: time, stream, _p, log.
 */
export class CriLineParser extends ParserBase {
  readonly format = 'regex' as const;
  private readonly fallback: RegexParser;

  constructor() {
    const options = builtinOptions('_ml_cri', 'regex', CRI_TIME_FORMAT, CRI_REGEX);
    super('_ml_cri', options);
    this.fallback = new RegexParser('_ml_cri', options);
  }

  parseRecord(text: string, now: bigint): LogRecord | undefined {
    // Onigmo's line anchors and `.` treat newlines specially; such texts take the regex.
    if (text.indexOf('\n') >= 0) return this.viaRegex(text, now);
    // The lazy `.+?` takes the first " stdout|stderr F|P " after at least one character.
    let i = text.indexOf(' std', 1);
    while (i > 0) {
      const o = text.charCodeAt(i + 4);
      const p = text.charCodeAt(i + 8);
      if (
        (p === 70 || p === 80) &&
        text.charCodeAt(i + 9) === 32 &&
        text.charCodeAt(i + 7) === 32 &&
        ((o === 111 && text.charCodeAt(i + 5) === 117 && text.charCodeAt(i + 6) === 116) || (o === 101 && text.charCodeAt(i + 5) === 114 && text.charCodeAt(i + 6) === 114))
      ) {
        const time = text.slice(0, i);
        const stream = o === 111 ? 'stdout' : 'stderr';
        const partial = p === 70 ? 'F' : 'P';
        const log = text.slice(i + 10);
        this.time = now;
        // The regex parser drops a time field it cannot read (only a too long one, here: not strict).
        if (!this.lookupTime(time, now)) return { stream, _p: partial, log };
        return { time, stream, _p: partial, log };
      }
      i = text.indexOf(' std', i + 1);
    }
    return undefined;
  }

  private viaRegex(text: string, now: bigint): LogRecord | undefined {
    const record = this.fallback.parseRecord(text, now);
    this.time = this.fallback.time;
    return record;
  }
}

/**
 * `_ml_json_docker`: a JSON object, time key `time` (kept, not strict). The fast path takes the
 * json-file driver's exact layout `{"log":"...","stream":"...","time":"..."}`.
 */
export class DockerLineParser extends ParserBase {
  readonly format = 'json' as const;
  private readonly fallback: JsonParser;

  constructor() {
    const options = builtinOptions('_ml_json_docker', 'json', DOCKER_TIME_FORMAT);
    super('_ml_json_docker', options);
    this.fallback = new JsonParser('_ml_json_docker', options);
  }

  parseRecord(text: string, now: bigint): LogRecord | undefined {
    const record = this.fast(text, now);
    if (record !== undefined) return record;
    const generic = this.fallback.parseRecord(text, now);
    this.time = this.fallback.time;
    return generic;
  }

  private fast(text: string, now: bigint): LogRecord | undefined {
    if (!text.startsWith('{"log":"')) return undefined;
    const logEnd = stringEnd(text, 8);
    if (logEnd < 0 || !text.startsWith('","stream":"', logEnd)) return undefined;
    const streamStart = logEnd + 12;
    const streamEnd = stringEnd(text, streamStart);
    if (streamEnd < 0 || !text.startsWith('","time":"', streamEnd)) return undefined;
    const timeStart = streamEnd + 10;
    const timeEnd = stringEnd(text, timeStart);
    if (timeEnd < 0 || timeEnd + 2 !== text.length || text.charCodeAt(timeEnd + 1) !== 125 /* } */) return undefined;
    const log = jsonString(text, 7, logEnd);
    const stream = jsonString(text, streamStart - 1, streamEnd);
    const time = jsonString(text, timeStart - 1, timeEnd);
    if (log === undefined || stream === undefined || time === undefined) return undefined;
    this.time = now;
    this.lookupTime(time, now);
    return { log, stream, time };
  }
}

/** Index of the closing quote of a JSON string whose content starts at `start`; -1 if absent or holding control characters. */
function stringEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i;
    if (c === 92) i++;
    else if (c < 0x20) return -1;
  }
  return -1;
}

/** The value of the JSON string between the quotes at `open` and `close`. */
function jsonString(text: string, open: number, close: number): string | undefined {
  const raw = text.slice(open + 1, close);
  if (raw.indexOf('\\') < 0) return raw;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return undefined;
  }
}
