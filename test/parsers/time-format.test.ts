import { describe, expect, it } from 'vitest';
import { checkTimeFormat, TIME_FORMAT_CONVERSIONS } from '../../src/parsers/time-format.js';

describe('checkTimeFormat', () => {
  it.each([
    '%Y-%m-%dT%H:%M:%S.%L%z', // cri, stock parsers.conf
    '%Y-%m-%dT%H:%M:%S.%L', // docker
    '%Y-%m-%dT%H:%M:%S.%LZ', // Container Insights container_firstline
    '%b %d %H:%M:%S', // syslog-rfc3164 (no year: Fluent Bit prepends it)
    '%d/%b/%Y:%H:%M:%S %z', // apache, nginx
    '%Y-%m-%dT%H:%M:%S%z',
    '%s',
    '%s.%L',
    '%T.%L',
    '%e %h %Y %I:%M:%S %p',
    '%j %y %a %A %B %Z',
    '%D %R %n%t%%',
    '%F %T',
    '%Ey %Oy %OH %OM %OS %Od %Om %EY %EC %Ec %Ex %EX',
    '%G-W%V-%u %g %U %W %w %C %k %l %r %c %x %X',
    'literal text only',
  ])('accepts %s', (fmt) => {
    expect(checkTimeFormat(fmt)).toBeUndefined();
  });

  it('rejects conversions Fluent Bit strptime does not know, with a hint for common ones', () => {
    expect(checkTimeFormat('%Y-%m-%dT%H:%M:%S.%f')).toMatch(/unknown conversion '%f'.*use %L/);
    expect(checkTimeFormat('%Y-%m-%d %H:%M:%S.%3N')).toMatch(/unknown conversion '%3'.*field widths/);
    expect(checkTimeFormat('%Y-%m-%d %I:%M %P')).toMatch(/unknown conversion '%P'.*use %p/);
    expect(checkTimeFormat('%Q')).toMatch(/unknown conversion '%Q'/);
    expect(checkTimeFormat('%v')).toMatch(/unknown conversion '%v'/);
  });

  it('rejects a lone % at the end', () => {
    expect(checkTimeFormat('%Y %')).toMatch(/lone '%'/);
    expect(checkTimeFormat('%Y %E')).toMatch(/incomplete conversion/);
  });

  it('applies the %E/%O modifier rules of flb_strptime', () => {
    expect(checkTimeFormat('%Ed')).toMatch(/%E modifier is not allowed with %d/);
    expect(checkTimeFormat('%OY')).toMatch(/%O modifier is not allowed with %Y/);
    expect(checkTimeFormat('%Ok')).toMatch(/%O modifier is not allowed with %k/);
    expect(checkTimeFormat('%EOy')).toMatch(/two modifiers/);
  });

  it('allows %L once, after the seconds', () => {
    expect(checkTimeFormat('%H:%M:%S.%L')).toBeUndefined();
    expect(checkTimeFormat('%H:%M:%S,%L %z')).toBeUndefined();
    expect(checkTimeFormat('%L %H:%M:%S')).toMatch(/%L .* must come after the seconds/);
    expect(checkTimeFormat('%Y-%m-%d %H:%M.%L')).toMatch(/must come after the seconds/);
    expect(checkTimeFormat('%H:%M:%S.%L.%L')).toMatch(/only one %L/);
    expect(checkTimeFormat('%H:%M:%S.%EL')).toMatch(/%L takes no modifier/);
  });

  it('checks the part after %L too', () => {
    expect(checkTimeFormat('%H:%M:%S.%L%q')).toMatch(/unknown conversion '%q'/);
  });

  it('follows the strstr cut of Fluent Bit for %%L', () => {
    // strstr finds "%L" inside "%%L": the part before is a lone '%', which strptime rejects.
    expect(checkTimeFormat('%%L')).toMatch(/lone '%'/);
  });

  it('rejects an empty format', () => {
    expect(checkTimeFormat('')).toBe('the format is empty');
  });

  it('lists the conversions it knows', () => {
    for (const c of ['Y', 'y', 'm', 'd', 'e', 'H', 'I', 'M', 'S', 'p', 'b', 'B', 'h', 'a', 'A', 'j', 'z', 'Z', 's', 'T', 'D', 'R', 'n', 't', '%', 'L']) {
      expect(TIME_FORMAT_CONVERSIONS).toContain(c);
    }
    expect(TIME_FORMAT_CONVERSIONS).not.toContain('f');
  });
});
