/**
 * The parsers behind the built-in `docker` and `cri` multiline parsers (`_ml_json_docker` in
 * `flb_ml_parser_docker.c`, `_ml_cri` in `flb_ml_parser_cri.c`, 4.2.8). cri lines are read with
 * `indexOf` and slices instead of the regex (texts it does not fit go through the regex, so results
 * are the same). docker lines are plain JSON, and JSON.parse beats any JavaScript scan of the
 * json-file layout (measured: log values mostly hold escapes such as `\\n`).
 */
import type { ParserOptions } from '../../config/plan/types.js';
import type { LogRecord } from '../../record/event.js';
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

  /**
   * The event time of a line whose time text parseRecord would take as `time` (a line read at
   * `now`), or undefined when parseRecord would drop the field; sets `time` as parseRecord does.
   */
  timeOf(time: string, now: bigint): bigint | undefined {
    this.time = now;
    return this.lookupTime(time, now) ? this.time : undefined;
  }

  /**
   * The last `timeOf` read its text by position (`YYYY-MM-DDTHH:MM:SS.<digits>Z`, TimeParser's
   * `readIsoZ`): a text with the same characters before the fraction has the same seconds.
   */
  get timeByPosition(): boolean {
    return this.timeParser!.byPosition;
  }

  private viaRegex(text: string, now: bigint): LogRecord | undefined {
    const record = this.fallback.parseRecord(text, now);
    this.time = this.fallback.time;
    return record;
  }
}

/** `_ml_json_docker`: a JSON object, time key `time` (kept, not strict). */
export function createDockerLineParser(): JsonParser {
  return new JsonParser('_ml_json_docker', builtinOptions('_ml_json_docker', 'json', DOCKER_TIME_FORMAT));
}
