import { describe, expect, it } from 'vitest';
import { humanSize, uptimeHr } from '../../../src/engine/monitor/format.js';
import { HealthWindow } from '../../../src/engine/monitor/health.js';
import { escapeLabelValue } from '../../../src/engine/monitor/prometheus.js';

describe('monitoring formats', () => {
  it("writes uptime_hr as Fluent Bit does: two spaces after the colon, plural only above 1", () => {
    expect(uptimeHr(0)).toBe('logferry has been running:  0 day, 0 hour, 0 minute and 0 second');
    expect(uptimeHr(1)).toBe('logferry has been running:  0 day, 0 hour, 0 minute and 1 second');
    expect(uptimeHr(2 * 86400 + 3600 + 2 * 60 + 5)).toBe('logferry has been running:  2 days, 1 hour, 2 minutes and 5 seconds');
  });

  it('formats sizes like flb_utils_bytes_to_human_readable_size', () => {
    expect(humanSize(0)).toBe('0b');
    expect(humanSize(1023)).toBe('1023b');
    expect(humanSize(1024)).toBe('1.0K');
    expect(humanSize(1258291)).toBe('1.2M');
    expect(humanSize(5 * 1024 ** 3)).toBe('5.0G');
  });

  it('escapes Prometheus label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it('health: counts errors since the oldest sample of the window', () => {
    const w = new HealthWindow();
    const limits = { errors: 2, retriesFailed: 0, period: 3 };
    expect(w.state({ errors: 100, retriesFailed: 0 }, limits).healthy).toBe(true); // no sample yet
    w.sample({ errors: 0, retriesFailed: 0 }, 3);
    expect(w.state({ errors: 2, retriesFailed: 0 }, limits)).toEqual({ healthy: true, errors: 2, retriesFailed: 0 });
    expect(w.state({ errors: 3, retriesFailed: 0 }, limits).healthy).toBe(false);
    expect(w.state({ errors: 0, retriesFailed: 1 }, limits).healthy).toBe(false);
    // Errors older than the window no longer count.
    for (let i = 0; i < 3; i++) w.sample({ errors: 3, retriesFailed: 0 }, 3);
    expect(w.size).toBe(3);
    expect(w.state({ errors: 3, retriesFailed: 0 }, limits).healthy).toBe(true);
  });
});
