/**
 * Format `regex` (`flb_parser_regex_do`, `src/flb_parser_regex.c`, 4.2.8): the named groups of a
 * match become fields in the order the groups are written.
 * - A group that did not take part in the match is an empty value; `Skip_Empty_Values` (default
 *   on) drops empty values.
 * - The time field: on success it is removed unless `Time_Keep`; on failure it is dropped whatever
 *   `Time_Keep` says and the record gets the current time (a Fluent Bit quirk kept on purpose).
 * - `Types` convert the kept values; decoders run last.
 */
import type { ParserOptions } from '../../config/plan/types.js';
import type { LogRecord } from '../../record/event.js';
import { RegexRunner } from '../regex-runner.js';
import { ParserBase } from './parser-base.js';
import { setField } from './types.js';

export class RegexParser extends ParserBase {
  readonly format = 'regex' as const;
  private readonly runner: RegexRunner | undefined;
  private readonly skipEmpty: boolean;

  constructor(name: string, options: ParserOptions) {
    super(name, options);
    this.runner = options.regex === undefined || options.regex.groupNames.length === 0 ? undefined : RegexRunner.of(options.regex);
    this.skipEmpty = options.skip_empty_values;
  }

  parseRecord(text: string, now: bigint): LogRecord | undefined {
    const runner = this.runner;
    if (runner === undefined) return undefined;
    const m = runner.exec(text);
    if (m === null) return undefined;
    const record: LogRecord = {};
    this.time = now;
    const names = runner.names;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = runner.value(m, i);
      if (value.length === 0 && this.skipEmpty) continue;
      if (this.timeParser !== undefined && name === this.timeKey) {
        if (!this.lookupTime(value, now)) continue;
        if (!this.keepTime) continue;
      }
      setField(record, name, this.types === undefined ? value : this.types.cast(name, value));
    }
    if (this.decoders !== undefined) this.decoders.apply(record);
    return record;
  }
}
