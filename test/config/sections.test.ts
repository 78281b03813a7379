import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCheck, typedOptions, type Given } from '../support/check.js';
import type { OptionsOf, OptionTable } from '../../src/options/spec.js';
import serviceSection, { sizeToBinaryBytes } from '../../src/config/sections/service.js';
import parserSection, { parseDecoder, parseTimeOffset, parseTypes } from '../../src/config/sections/parser.js';
import multilineSection, { parseMultilineRule, splitRuleTokens, splitStates } from '../../src/config/sections/multiline-parser.js';
import { BUILTIN_MULTILINE_PARSERS, BUILTIN_MULTILINE_PARSER_DOCS, isBuiltinMultilineParser } from '../../src/parsers/builtins.js';

function typed<T extends OptionTable>(table: T, values: Given): { options: OptionsOf<T>; setKeys: ReadonlySet<string> } {
  const { options, setKeys } = typedOptions(table, values);
  return { options: options as OptionsOf<T>, setKeys };
}

function parseValue(table: OptionTable, key: string, text: string) {
  const spec = table[key];
  if (!spec) throw new Error(`no key ${key}`);
  return spec.parse(text);
}

const S = serviceSection.options;

describe('[SERVICE] table', () => {
  it('has Fluent Bit defaults', () => {
    expect(S.flush.defaultValue).toBe(1000); // 1 second, as milliseconds
    expect(S.grace.defaultValue).toBe(5);
    expect(S.http_port.defaultValue).toBe(2020);
    expect(S.http_listen.defaultValue).toBe('0.0.0.0');
    expect(S.http_server.defaultValue).toBe(false);
    expect(S.log_level.defaultValue).toBe('info');
    expect(S['storage.max_chunks_up'].defaultValue).toBe(128);
    expect(S['storage.metrics'].defaultValue).toBe(true);
    expect(S['storage.sync'].defaultValue).toBe('normal');
    expect(S['scheduler.base'].defaultValue).toBe(5);
    expect(S['scheduler.cap'].defaultValue).toBe(2000);
    expect(S.hc_errors_count.defaultValue).toBe(5);
    expect(S.hc_retry_failure_count.defaultValue).toBe(5);
    expect(S.hc_period.defaultValue).toBe(60);
    expect(S.coro_stack_size.defaultValue).toBe(24576);
  });

  it('uses the 4.2.8 storage.backlog.mem_limit default: "100M" (decimal) = 100,000,000 bytes', () => {
    // FLB_STORAGE_BL_MEM_LIMIT has been "100M" since Fluent Bit 1.8 (docs still say 5M).
    expect(S['storage.backlog.mem_limit'].defaultText).toBe('100M');
    expect(S['storage.backlog.mem_limit'].defaultValue).toBe(100_000_000);
    // Container Insights sets 5M explicitly: 5,000,000 bytes.
    expect(parseValue(S, 'storage.backlog.mem_limit', '5M')).toEqual({ ok: true, value: 5_000_000 });
  });

  it('reads multiline_buffer_limit with binary units, as Fluent Bit 4.1+ does ("2MB" = 2 MiB)', () => {
    expect(S.multiline_buffer_limit.defaultText).toBe('2MB');
    expect(S.multiline_buffer_limit.defaultValue).toBe(2_097_152);
    expect(parseValue(S, 'multiline_buffer_limit', '1M')).toEqual({ ok: true, value: 1_048_576 });
    expect(parseValue(S, 'multiline_buffer_limit', '512KiB')).toEqual({ ok: true, value: 524_288 });
    expect(parseValue(S, 'multiline_buffer_limit', '4096')).toEqual({ ok: true, value: 4096 });
    const bad = parseValue(S, 'multiline_buffer_limit', '2 MBs');
    expect(bad).toMatchObject({ ok: true, value: 2_097_152 });
    expect(bad.ok && bad.warning).toMatch(/silently uses 2MiB/);
    expect(sizeToBinaryBytes('false')).toBe(0);
    expect(sizeToBinaryBytes('1.5k')).toBe(1536);
    expect(sizeToBinaryBytes('3GB')).toBe(3 * 1024 ** 3);
    expect(sizeToBinaryBytes('1Mi')).toBe(-1);
    expect(sizeToBinaryBytes('1XB')).toBe(-1);
  });

  it('parses flush as decimal seconds into milliseconds', () => {
    expect(parseValue(S, 'flush', '5')).toEqual({ ok: true, value: 5000 });
    expect(parseValue(S, 'flush', '0.25')).toEqual({ ok: true, value: 250 });
    const withUnit = parseValue(S, 'flush', '5s');
    expect(withUnit).toMatchObject({ ok: true, value: 5000 });
    expect(withUnit.ok && withUnit.warning).toBeTruthy();
    expect(parseValue(S, 'flush', '0').ok).toBe(false);
    expect(parseValue(S, 'flush', 'soon').ok).toBe(false);
  });

  it('allows Grace -1 (wait until everything is flushed)', () => {
    expect(parseValue(S, 'grace', '-1')).toEqual({ ok: true, value: -1 });
    expect(parseValue(S, 'grace', '30')).toEqual({ ok: true, value: 30 });
  });

  it('treats unknown boolean text as On with a warning, like flb_utils_bool', () => {
    const r = parseValue(S, 'http_server', 'enabled');
    expect(r).toMatchObject({ ok: true, value: true });
    expect(r.ok && r.warning).toMatch(/treats it as On/);
    expect(parseValue(S, 'http_server', 'Off')).toEqual({ ok: true, value: false });
    expect(parseValue(S, 'daemon', 'yes')).toEqual({ ok: true, value: true });
  });

  it('rejects a bad Log_Level (Fluent Bit stops on it) and storage.sync', () => {
    expect(parseValue(S, 'log_level', 'Error')).toEqual({ ok: true, value: 'error' });
    expect(parseValue(S, 'log_level', 'warning')).toEqual({ ok: true, value: 'warning' });
    expect(parseValue(S, 'log_level', 'verbose').ok).toBe(false);
    expect(parseValue(S, 'storage.sync', 'FULL')).toEqual({ ok: true, value: 'full' });
    expect(parseValue(S, 'storage.sync', 'fast').ok).toBe(false);
  });

  it('reads dns.mode and dns.resolver by their first letter', () => {
    expect(parseValue(S, 'dns.mode', 'TCP')).toEqual({ ok: true, value: 'tcp' });
    expect(parseValue(S, 'dns.mode', 'tls')).toMatchObject({ ok: true, value: 'tcp' });
    expect(parseValue(S, 'dns.mode', 'xyz')).toMatchObject({ ok: true, value: 'udp' });
    expect(parseValue(S, 'dns.resolver', 'LEGACY')).toEqual({ ok: true, value: 'legacy' });
    expect(parseValue(S, 'dns.resolver', 'other')).toMatchObject({ ok: true, value: 'async' });
    expect(S['dns.mode'].values).toEqual(['udp', 'tcp']);
    const { options } = typed(S, { 'dns.mode': 'tcp', 'storage.type': 'filesystem' });
    const mode: 'udp' | 'tcp' | undefined = options['dns.mode'];
    const type: 'memory' | 'filesystem' | 'memrb' | undefined = options['storage.type'];
    expect([mode, type]).toEqual(['tcp', 'filesystem']);
  });

  it('lets Parsers_File and Plugins_File repeat; other keys are single', () => {
    expect(S.parsers_file.multiple).toBe(true);
    expect(S.plugins_file.multiple).toBe(true);
    expect(S.streams_file.multiple).toBe(false);
    expect(S.flush.multiple).toBe(false);
  });

  it('knows every key of the semantics table (1.8) and of flb_config.c service_configs', () => {
    const keys = [
      // fluentbit-semantics.md 1.8
      'flush', 'grace', 'daemon', 'log_file', 'log_level', 'parsers_file', 'plugins_file', 'streams_file',
      'http_server', 'http_listen', 'http_port', 'health_check', 'hc_errors_count', 'hc_retry_failure_count',
      'hc_period', 'storage.path', 'storage.sync', 'storage.checksum', 'storage.metrics', 'storage.max_chunks_up',
      'storage.backlog.mem_limit', 'storage.backlog.flush_on_shutdown', 'storage.delete_irrecoverable_chunks',
      'storage.trim_files', 'storage.inherit', 'storage.type', 'scheduler.base', 'scheduler.cap',
      'multiline_buffer_limit', 'coro_stack_size', 'json.convert_nan_to_null', 'dns.mode', 'dns.resolver',
      'dns.prefer_ipv4', 'dns.prefer_ipv6', 'hot_reload',
      // the rest of service_configs (4.2.8 and master)
      'json.escape_unicode', 'sp.convert_from_str_to_num', 'enable_chunk_trace', 'windows.maxstdio',
      'hot_reload.ensure_thread_safety', 'hot_reload.timeout', 'storage.keep.rejected', 'storage.rejected.path',
      'storage.rejected.limit', 'security.fips_mode', 'flush.adaptive', 'flush.adaptive.min_interval',
      'flush.adaptive.max_interval', 'flush.adaptive.low_pressure', 'flush.adaptive.medium_pressure',
      'flush.adaptive.high_pressure', 'flush.adaptive.up_steps', 'flush.adaptive.down_steps',
    ];
    for (const k of keys) expect(Object.keys(S), k).toContain(k);
    expect(Object.keys(S).sort()).toEqual([...new Set(keys)].sort());
  });

  it('has lowercase keys whose defaults parse', () => {
    for (const def of [serviceSection, parserSection, multilineSection]) {
      for (const [key, spec] of Object.entries(def.options)) {
        expect(key).toBe(key.toLowerCase());
        expect(spec.doc.length, key).toBeGreaterThan(0);
        if (spec.defaultText !== undefined) expect(spec.parse(spec.defaultText).ok, key).toBe(true);
      }
    }
  });

  it('reads the Container Insights [SERVICE] values', () => {
    const { options } = typed(S, {
      flush: '5',
      grace: '30',
      log_level: 'error',
      daemon: 'off',
      parsers_file: ['parsers.conf'],
      http_server: 'On',
      http_listen: '0.0.0.0',
      http_port: '2020',
      'storage.path': '/var/fluent-bit/state/flb-storage/',
      'storage.sync': 'normal',
      'storage.checksum': 'off',
      'storage.backlog.mem_limit': '5M',
    });
    expect(options.flush).toBe(5000);
    expect(options.grace).toBe(30);
    expect(options.log_level).toBe('error');
    expect(options.parsers_file).toEqual(['parsers.conf']);
    expect(options.http_server).toBe(true);
    expect(options['storage.backlog.mem_limit']).toBe(5_000_000);
    expect(options['storage.path']).toBe('/var/fluent-bit/state/flb-storage/');
    expect(options['scheduler.cap']).toBe(2000);
  });
});

describe('multiline rule tokenisation (flb_slist_split_tokens)', () => {
  it('splits quoted tokens', () => {
    expect(splitRuleTokens('"start_state" "/^Traceback \\(most recent call last\\):$/" "python"').tokens).toEqual([
      'start_state',
      '/^Traceback \\(most recent call last\\):$/',
      'python',
    ]);
  });

  it('splits unquoted tokens at spaces', () => {
    expect(splitRuleTokens('start_state /^\\d{4}-\\d{2}/ cont').tokens).toEqual(['start_state', '/^\\d{4}-\\d{2}/', 'cont']);
    expect(splitRuleTokens('  cont    /^\\s+at/    cont  ').tokens).toEqual(['cont', '/^\\s+at/', 'cont']);
  });

  it('mixes quoted and unquoted tokens; a quoted regex may contain spaces', () => {
    expect(splitRuleTokens('cont "/^\\s+at .*/" cont').tokens).toEqual(['cont', '/^\\s+at .*/', 'cont']);
  });

  it('unescapes only \\" inside quotes and keeps every other backslash', () => {
    expect(splitRuleTokens('"start_state" "/say \\"hi\\" \\d+\\.\\\\n/" "cont"').tokens).toEqual([
      'start_state',
      '/say "hi" \\d+\\.\\\\n/',
      'cont',
    ]);
    // Outside quotes nothing is unescaped.
    expect(splitRuleTokens('start_state /a\\"b/ cont').tokens).toEqual(['start_state', '/a\\"b/', 'cont']);
  });

  it('keeps the from-state list as one token, split later at commas and trimmed', () => {
    const { tokens } = splitRuleTokens('"start_state, cont ,go_frame_1" "/^x/" "cont"');
    expect(tokens[0]).toBe('start_state, cont ,go_frame_1');
    expect(splitStates(tokens[0]!)).toEqual(['start_state', 'cont', 'go_frame_1']);
    expect(splitStates(' , ,')).toEqual([]);
  });

  it('starts a new token right after a closing quote', () => {
    expect(splitRuleTokens('"a"b c').tokens).toEqual(['a', 'b', 'c']);
  });

  it('puts what follows the third token in a fourth one', () => {
    expect(splitRuleTokens('"a" "/b/" "c" "d" e').tokens).toEqual(['a', '/b/', 'c', '"d" e']);
  });

  it('takes an unterminated quoted token as the rest of the value, escapes kept', () => {
    const r = splitRuleTokens('"start_state" "/a\\"b/');
    expect(r.tokens).toEqual(['start_state', '/a\\"b/']);
    expect(r.unterminatedQuote).toBe(true);
  });

  it('keeps an empty quoted token', () => {
    expect(splitRuleTokens('"" "/x/"').tokens).toEqual(['', '/x/']);
  });
});

describe('multiline rule values', () => {
  it('parses from-states, regex and next state', () => {
    const r = parseMultilineRule('"start_state, python" "/^Traceback \\(most recent call last\\):$/" "python"');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.from).toEqual(['start_state', 'python']);
    expect(r.value.regex.pattern).toBe('^Traceback \\(most recent call last\\):$');
    expect(r.value.regex.regexp.test('Traceback (most recent call last):')).toBe(true);
    expect(r.value.next).toBe('python');
  });

  it('allows a rule without next state', () => {
    const r = parseMultilineRule('"cont" "/^\\s+at /"');
    expect(r).toMatchObject({ ok: true, value: { from: ['cont'], next: undefined } });
  });

  it('rejects a missing from-state or regex with invalid-rule', () => {
    expect(parseMultilineRule('')).toMatchObject({ ok: false, code: 'invalid-rule' });
    expect(parseMultilineRule('"start_state"')).toMatchObject({ ok: false, code: 'invalid-rule' });
    expect(parseMultilineRule('"" "/x/" "cont"')).toMatchObject({ ok: false, code: 'invalid-rule' });
  });

  it('rejects a regex Onigmo would reject with invalid-regex', () => {
    expect(parseMultilineRule('"start_state" "/(unclosed/" "cont"')).toMatchObject({ ok: false, code: 'invalid-regex' });
  });

  it('warns about ignored extra tokens', () => {
    const r = parseMultilineRule('"start_state" "/x/" "cont" "extra"');
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && r.warning).toMatch(/ignored/);
  });
});

describe('[MULTILINE_PARSER] table and check', () => {
  const M = multilineSection.options;

  it('has Fluent Bit defaults', () => {
    expect(M.flush_timeout.defaultValue).toBe(4000);
    expect(M.negate.defaultValue).toBe(false);
    expect(M.rule.multiple).toBe(true);
    expect(M.parser.references).toBe('parser');
    expect(M.name.required).toBe(true);
    expect(M.type.required).toBe(true);
    expect(parseValue(M, 'type', 'EQ')).toEqual({ ok: true, value: 'eq' });
    expect(parseValue(M, 'type', 'startswith').ok).toBe(false);
  });

  it('treats flush_timeout <= 0 as 4000 ms', () => {
    expect(parseValue(M, 'flush_timeout', '1000')).toEqual({ ok: true, value: 1000 });
    expect(parseValue(M, 'flush_timeout', '0')).toMatchObject({ ok: true, value: 4000 });
    expect(parseValue(M, 'flush_timeout', '-5')).toMatchObject({ ok: true, value: 4000 });
  });

  const python = [
    '"start_state" "/^Traceback \\(most recent call last\\):$/" "python"',
    '"python" "/^[\\t ]+File /" "python_code"',
    '"python_code" "/[^\\t ]/" "python"',
    '"python" "/^(?:[^\\s.():]+\\.)*[^\\s.():]+:/" "start_state"',
  ];

  it('accepts a consistent rule set', () => {
    expect(runCheck(multilineSection, { name: 'multiline-python', type: 'regex', rule: python })).toEqual([]);
  });

  it('requires the first rule to start in start_state', () => {
    const reports = runCheck(multilineSection, { name: 'm', type: 'regex', rule: ['"cont" "/^\\s/" "cont"', '"start_state" "/^x/" "cont"'] });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ code: 'invalid-rule', key: 'rule' });
    expect(reports[0]!.message).toMatch(/start_state/);
  });

  it('accepts start_state among several from-states of the first rule', () => {
    expect(runCheck(multilineSection, { name: 'm', type: 'regex', rule: ['"start_state, cont" "/^x/" "cont"'] })).toEqual([]);
  });

  it('reports a next state without rules of its own (Fluent Bit 4.2.8: not registered)', () => {
    const reports = runCheck(multilineSection, {
      name: 'multiline-python',
      type: 'regex',
      rule: ['"start_state" "/^Traceback/" "cont"', '"cont" "/^\\s+File/" "end"', '"cont" "/^\\s+at/" "end"'],
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ code: 'invalid-rule', key: 'rule' });
    expect(reports[0]!.message).toContain("to_state='end' is not registered");
  });

  it('requires a rule for type regex', () => {
    expect(runCheck(multilineSection, { name: 'm', type: 'regex' })).toEqual([
      expect.objectContaining({ code: 'missing-required', key: 'rule' }),
    ]);
  });

  it('requires match_string for endswith and eq, and warns about rules there', () => {
    expect(runCheck(multilineSection, { name: 'm', type: 'endswith' })).toEqual([
      expect.objectContaining({ code: 'missing-required', key: 'match_string' }),
    ]);
    expect(runCheck(multilineSection, { name: 'm', type: 'eq' })).toEqual([
      expect.objectContaining({ code: 'missing-required', key: 'match_string' }),
    ]);
    expect(runCheck(multilineSection, { name: 'm', type: 'endswith', match_string: '\\' })).toEqual([]);
    expect(runCheck(multilineSection, { name: 'm', type: 'equal', match_string: 'F', rule: ['"start_state" "/x/"'] })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', key: 'rule', severity: 'warning' }),
    ]);
  });

  it('warns about a flush_timeout under 500 ms', () => {
    expect(runCheck(multilineSection, { name: 'm', type: 'endswith', match_string: 'x', flush_timeout: '200' })).toEqual([
      expect.objectContaining({ code: 'invalid-value', key: 'flush_timeout', severity: 'warning' }),
    ]);
  });
});

describe('[PARSER] table and check', () => {
  const P = parserSection.options;

  it('has Fluent Bit defaults and required keys', () => {
    expect(P.name.required).toBe(true);
    expect(P.format.required).toBe(true);
    expect(P.skip_empty_values.defaultValue).toBe(true);
    expect(P.time_strict.defaultValue).toBe(true);
    expect(P.time_keep.defaultValue).toBe(false);
    expect(P.time_system_timezone.defaultValue).toBe(false);
    expect(P.time_key.defaultValue).toBe('time');
    expect(P.decode_field.multiple).toBe(true);
    expect(P.decode_field_as.multiple).toBe(true);
    expect(P.format.values).toEqual(['regex', 'json', 'ltsv', 'logfmt']);
    expect(parseValue(P, 'format', 'JSON')).toEqual({ ok: true, value: 'json' });
    expect(parseValue(P, 'format', 'tskv').ok).toBe(false); // not a Fluent Bit format
  });

  it('parses Time_Offset into seconds', () => {
    expect(parseTimeOffset('+0900')).toEqual({ ok: true, value: 32400 });
    expect(parseTimeOffset('-03:30')).toEqual({ ok: true, value: -12600 });
    expect(parseTimeOffset('+00:00')).toEqual({ ok: true, value: 0 });
    expect(parseTimeOffset('Z')).toEqual({ ok: true, value: 0 });
    for (const bad of ['0900', '+9', '+09', '+0960', 'UTC', '+010']) {
      expect(parseTimeOffset(bad), bad).toMatchObject({ ok: false });
    }
    // Fluent Bit reads only the first four digits.
    const lax = parseTimeOffset('+090000');
    expect(lax).toMatchObject({ ok: true, value: 32400 });
    expect(lax.ok && lax.warning).toMatch(/reads it as \+0900/);
  });

  it('parses Types', () => {
    expect(parseTypes('code:integer size:INTEGER ratio:float ok:bool id:hex name:string')).toEqual({
      ok: true,
      value: [
        { field: 'code', type: 'integer' },
        { field: 'size', type: 'integer' },
        { field: 'ratio', type: 'float' },
        { field: 'ok', type: 'bool' },
        { field: 'id', type: 'hex' },
        { field: 'name', type: 'string' },
      ],
    });
    const odd = parseTypes('code:int  pid');
    expect(odd).toMatchObject({ ok: true, value: [{ field: 'code', type: 'string' }] });
    expect(odd.ok && odd.warning).toMatch(/'int' is not integer.*'pid' has no ':type'/);
  });

  it('parses Decode_Field rules', () => {
    expect(parseDecoder('json log')).toEqual({ ok: true, value: { decoder: 'json', field: 'log', action: undefined } });
    expect(parseDecoder('escaped_utf8 log do_next')).toEqual({ ok: true, value: { decoder: 'escaped_utf8', field: 'log', action: 'do_next' } });
    expect(parseDecoder('Escaped  log  try_next')).toEqual({ ok: true, value: { decoder: 'escaped', field: 'log', action: 'try_next' } });
    expect(parseDecoder('mysql_quoted msg')).toMatchObject({ ok: true, value: { decoder: 'mysql_quoted' } });
    expect(parseDecoder('json')).toMatchObject({ ok: false, code: 'invalid-rule' });
    expect(parseDecoder('yaml log')).toMatchObject({ ok: false, code: 'invalid-rule' });
    const odd = parseDecoder('json log maybe');
    expect(odd).toMatchObject({ ok: true, value: { action: undefined } });
    expect(odd.ok && odd.warning).toMatch(/maybe/);
  });

  it('accepts a correct regex parser', () => {
    expect(
      runCheck(parserSection, {
        name: 'cri',
        format: 'regex',
        regex: '^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<message>.*)$',
        time_key: 'time',
        time_format: '%Y-%m-%dT%H:%M:%S.%L%z',
      }),
    ).toEqual([]);
  });

  it('requires a named group in the regex', () => {
    const reports = runCheck(parserSection, { name: 'p', format: 'regex', regex: '^\\S+ (\\S+)$' });
    expect(reports).toEqual([expect.objectContaining({ code: 'invalid-regex', key: 'regex' })]);
    expect(reports[0]!.message).toMatch(/no capture group/);
  });

  it('requires Regex for Format regex', () => {
    expect(runCheck(parserSection, { name: 'p', format: 'regex' })).toEqual([expect.objectContaining({ code: 'missing-required' })]);
  });

  it('warns about Regex with another format', () => {
    expect(runCheck(parserSection, { name: 'p', format: 'json', regex: '(?<a>.)' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', key: 'regex', severity: 'warning' }),
    ]);
  });

  it('reports an invalid Time_Format as invalid-value on time_format', () => {
    const reports = runCheck(parserSection, { name: 'p', format: 'json', time_format: '%Y-%m-%dT%H:%M:%S.%f' });
    expect(reports).toEqual([expect.objectContaining({ code: 'invalid-value', key: 'time_format' })]);
    expect(reports[0]!.message).toMatch(/%f/);
  });

  it('makes Time_Zone exclusive with Time_Offset and Time_System_Timezone', () => {
    expect(runCheck(parserSection, { name: 'p', format: 'json', time_format: '%Y-%m-%d %H:%M:%S', time_zone: 'Europe/Berlin', time_offset: '+0100' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', key: 'time_zone' }),
    ]);
    expect(
      runCheck(parserSection, { name: 'p', format: 'json', time_format: '%Y-%m-%d %H:%M:%S', time_zone: 'Europe/Berlin', time_system_timezone: 'on' }),
    ).toEqual([expect.objectContaining({ code: 'conflicting-keys', key: 'time_zone' })]);
    expect(runCheck(parserSection, { name: 'p', format: 'json', time_format: '%Y-%m-%d %H:%M:%S', time_zone: 'Europe/Berlin' })).toEqual([]);
  });

  it('requires Time_Format with Time_Zone and a known zone', () => {
    expect(runCheck(parserSection, { name: 'p', format: 'json', time_zone: 'UTC' })).toEqual([
      expect.objectContaining({ code: 'missing-required', key: 'time_zone' }),
    ]);
    expect(runCheck(parserSection, { name: 'p', format: 'json', time_format: '%H:%M:%S', time_zone: 'Mars/Olympus_Mons' })).toEqual([
      expect.objectContaining({ code: 'invalid-value', key: 'time_zone' }),
    ]);
  });

  it('reads the Container Insights parsers.conf without problems', () => {
    const text = readFileSync(fileURLToPath(new URL('../../fixtures/container-insights/parsers.conf', import.meta.url)), 'utf8');
    const sections = text
      .split(/^\[PARSER\]$/m)
      .slice(1)
      .map((block) => {
        const values: Record<string, string> = {};
        for (const line of block.split('\n')) {
          const m = /^ +(\S+) +(.*)$/.exec(line);
          if (m) values[m[1]!.toLowerCase()] = m[2]!.trim();
        }
        return values;
      });
    expect(sections.map((s) => s.name)).toEqual(['syslog', 'container_firstline', 'cwagent_firstline']);
    for (const values of sections) {
      expect(runCheck(parserSection, values), values.name).toEqual([]);
    }
    const { options } = typed(P, sections[1]!);
    expect(options.regex?.groupNames).toEqual(['log', 'stream', 'time']);
  });
});

describe('built-in multiline parsers', () => {
  it('are exactly the six Fluent Bit always defines', () => {
    expect([...BUILTIN_MULTILINE_PARSERS].sort()).toEqual(['cri', 'docker', 'go', 'java', 'python', 'ruby']);
    for (const name of BUILTIN_MULTILINE_PARSERS) expect(BUILTIN_MULTILINE_PARSER_DOCS[name]).toBeTruthy();
    expect(isBuiltinMultilineParser('CRI')).toBe(true);
    expect(isBuiltinMultilineParser('json')).toBe(false);
    expect(isBuiltinMultilineParser('apache')).toBe(false);
  });
});
