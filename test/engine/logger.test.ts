import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, loggedLines, logTimestamp } from '../../src/engine/logger.js';

/** Fluent Bit's log line (`flb_log.c`): `[2026/12/07 07:40:44.019] [ info] [name] message`. */
const FLUENT_BIT_LINE = /^\[(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\] \[(error| warn| info|debug|trace)\] (?:\[([^\]]+)\] )?(.*)\n$/;

describe('agent log lines', () => {
  it("are written in Fluent Bit's form, the level right-aligned in five columns", () => {
    const lines: string[] = [];
    const log = createLogger('trace', (l) => lines.push(l));
    log.error('e');
    log.warn('w');
    log.child('input:tail:tail.0').info('i');
    log.debug('d');
    log.trace('t');
    expect(lines.map((l) => FLUENT_BIT_LINE.exec(l)?.slice(8))).toEqual([
      ['error', undefined, 'e'],
      [' warn', undefined, 'w'],
      [' info', 'input:tail:tail.0', 'i'],
      ['debug', undefined, 'd'],
      ['trace', undefined, 't'],
    ]);
  });

  it('timestamps read back as the local time to the millisecond', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(1000, 0, 1), max: new Date(9999, 11, 31), noInvalidDate: true }), (d) => {
        const m = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})$/.exec(logTimestamp(d));
        expect(m).not.toBeNull();
        const [y, mo, day, h, mi, s, ms] = m!.slice(1).map(Number) as [number, number, number, number, number, number, number];
        const back = new Date(d.getTime());
        back.setFullYear(y, mo - 1, day);
        back.setHours(h, mi, s, ms);
        expect(back.getTime()).toBe(d.getTime());
      }),
    );
  });

  it('counts the lines written by level (fluentbit_logger_logs_total), not those below Log_Level', () => {
    const before = loggedLines();
    const log = createLogger('warn', () => {});
    log.error('e');
    log.warn('w');
    log.child('x').warn('w');
    log.info('not written');
    log.debug('not written');
    const after = loggedLines();
    expect(Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]))).toEqual({ error: 1, warn: 2, info: 0, debug: 0, trace: 0 });
  });
});
