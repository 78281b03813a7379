import { describe, expect, it } from 'vitest';
import { runCheck, typedOptions, type Given, type Report } from '../support/check.js';
import type { DiagnosticCode } from '../../src/diagnostics/codes.js';
import { lookupOption, type PluginDefinition } from '../../src/options/define.js';
import { FILTER_COMMON } from '../../src/options/common.js';
import type { AnySpec, OptionTable, ParseOutcome } from '../../src/options/spec.js';
import grep from '../../src/plugins/filters/grep/index.js';
import { parseGrepRule } from '../../src/plugins/filters/grep/options.js';
import kubernetes from '../../src/plugins/filters/kubernetes/index.js';
import { parseKubeUrl } from '../../src/plugins/filters/kubernetes/options.js';
import modify from '../../src/plugins/filters/modify/index.js';
import { modifyProgram, parseModifyCondition, parseModifyRule, type ModifyRule } from '../../src/plugins/filters/modify/options.js';
import multiline from '../../src/plugins/filters/multiline/index.js';
import nest from '../../src/plugins/filters/nest/index.js';
import { parseNestOperation } from '../../src/plugins/filters/nest/options.js';
import parser from '../../src/plugins/filters/parser/index.js';
import recordModifier from '../../src/plugins/filters/record_modifier/index.js';
import { parseRecordRule } from '../../src/plugins/filters/record_modifier/options.js';
import rewriteTag from '../../src/plugins/filters/rewrite_tag/index.js';
import { parseRewriteRule } from '../../src/plugins/filters/rewrite_tag/options.js';
import throttle from '../../src/plugins/filters/throttle/index.js';
import { parseThrottleInterval } from '../../src/plugins/filters/throttle/options.js';
import { parseRecordAccessor } from '../../src/record/accessor.js';
import { parseAccessorTemplate } from '../../src/record/template.js';

const FILTERS: readonly PluginDefinition[] = [kubernetes, parser, grep, modify, recordModifier, nest, rewriteTag, throttle, multiline];

const resolve = (table: OptionTable, given: Given) => typedOptions(table, given).options;
const check = (def: PluginDefinition, given: Given = {}): Report[] => runCheck(def, given);

function ok<T>(r: ParseOutcome<T>): T {
  if (!r.ok) throw new Error(`expected success, got: ${r.message}`);
  expect(r.warning).toBeUndefined();
  return r.value;
}

function warns<T>(r: ParseOutcome<T>, pattern: RegExp): T {
  if (!r.ok) throw new Error(`expected success, got: ${r.message}`);
  expect(r.warning).toMatch(pattern);
  return r.value;
}

function fails<T>(r: ParseOutcome<T>, code: DiagnosticCode | undefined, pattern: RegExp): Extract<ParseOutcome<T>, { ok: false }> {
  if (r.ok) throw new Error(`expected failure, got ${JSON.stringify(r.value)}`);
  expect(r.code).toBe(code);
  expect(r.message).toMatch(pattern);
  return r;
}

const spec = (def: PluginDefinition, key: string): AnySpec => {
  const s = def.options[key];
  if (!s) throw new Error(`${def.name} has no option ${key}`);
  return s;
};

describe('filter tables: shape', () => {
  /** Keys of each plugin's `config_map[]` in Fluent Bit master (plugins/filter_*), lowercased. */
  const FLUENT_BIT_KEYS: Record<string, string[]> = {
    parser: ['key_name', 'parser', 'preserve_key', 'reserve_data', 'unescape_key'],
    grep: ['regex', 'exclude', 'logical_op'],
    modify: ['set', 'add', 'remove', 'remove_wildcard', 'remove_regex', 'move_to_start', 'move_to_end', 'rename', 'hard_rename', 'copy', 'hard_copy', 'condition'],
    record_modifier: ['record', 'remove_key', 'allowlist_key', 'uuid_key'],
    nest: ['operation', 'wildcard', 'nest_under', 'nested_under', 'add_prefix', 'remove_prefix'],
    rewrite_tag: ['rule', 'emitter_name', 'emitter_storage.type', 'emitter_mem_buf_limit'],
    throttle: ['rate', 'window', 'print_status', 'interval'],
    multiline: ['debug_flush', 'buffer', 'mode', 'flush_ms', 'multiline.parser', 'multiline.key_content', 'emitter_name', 'emitter_storage.type', 'emitter_mem_buf_limit'],
    kubernetes: [
      'buffer_size', 'tls.debug', 'tls.verify', 'tls.vhost', 'tls.verify_hostname', 'merge_log', 'merge_parser', 'merge_log_key',
      'merge_log_trim', 'keep_log', 'kube_url', 'kube_meta_preload_cache_dir', 'kube_ca_file', 'kube_ca_path', 'kube_tag_prefix',
      'kube_namespace_file', 'kube_token_file', 'kube_token_command', 'labels', 'annotations', 'owner_references', 'namespace_labels',
      'namespace_annotations', 'namespace_metadata_only', 'k8s-logging.parser', 'k8s-logging.exclude', 'use_journal', 'regex_parser',
      'dummy_meta', 'dns_retries', 'dns_wait_time', 'cache_use_docker_id', 'use_tag_for_meta', 'use_kubelet', 'kubelet_host',
      'kubelet_port', 'kube_token_ttl', 'kube_meta_cache_ttl', 'kube_meta_namespace_cache_ttl', 'aws_use_pod_association',
      'use_pod_association', 'aws_pod_association_host', 'aws_pod_association_endpoint', 'aws_pod_association_port',
      'aws_pod_service_map_ttl', 'aws_pod_service_map_refresh_interval', 'aws_pod_service_preload_cache_dir',
      'aws_pod_association_host_server_ca_file', 'aws_pod_association_host_client_cert_file', 'aws_pod_association_host_client_key_file',
      'aws_pod_association_host_tls_debug', 'aws_pod_association_host_tls_verify', 'set_platform',
    ],
  };

  for (const def of FILTERS) {
    describe(def.name, () => {
      it('is a filter with the common keys merged in and not repeated', () => {
        expect(def.kind).toBe('filter');
        // modify's own Condition (its rule language) replaces the core's generic Condition key.
        const overrides = def.name === 'modify' ? ['condition'] : [];
        for (const key of Object.keys(FILTER_COMMON)) {
          expect(def.options[key]).toBeDefined();
          if (overrides.includes(key)) expect(def.options[key]).toBe(def.ownOptions[key]);
          else expect(def.ownOptions[key]).toBeUndefined();
        }
      });

      it("declares exactly Fluent Bit's config map keys (plus the documented extras)", () => {
        const extras = def.name === 'modify' ? ['add_if_not_present'] : [];
        expect(Object.keys(def.ownOptions).sort()).toEqual([...FLUENT_BIT_KEYS[def.name]!, ...extras].sort());
      });

      it('has lowercase keys, a one-line doc per option, and parsed defaults', () => {
        for (const [key, s] of Object.entries(def.ownOptions)) {
          expect(key).toBe(key.toLowerCase());
          expect(s.doc.trim().length, `${def.name}.${key} doc`).toBeGreaterThan(0);
          expect(s.doc).not.toContain('\n');
          if (s.defaultText !== undefined) {
            expect(s.defaultValue, `${def.name}.${key} default`).toBeDefined();
            expect(s.parse(s.defaultText)).toMatchObject({ ok: true });
          }
        }
      });
    });
  }

  it('marks repeatable keys (FLB_CONFIG_MAP_MULT) as multiple', () => {
    const multiple = (def: PluginDefinition) => Object.entries(def.ownOptions).filter(([, s]) => s.multiple).map(([k]) => k).sort();
    expect(multiple(grep)).toEqual(['exclude', 'regex']);
    expect(multiple(modify)).toEqual([...FLUENT_BIT_KEYS.modify!, 'add_if_not_present'].sort());
    expect(multiple(recordModifier)).toEqual(['allowlist_key', 'record', 'remove_key']);
    expect(multiple(nest)).toEqual(['wildcard']);
    expect(multiple(parser)).toEqual(['parser']);
    expect(multiple(rewriteTag)).toEqual(['rule']);
    expect(multiple(multiline)).toEqual(['multiline.parser']);
    expect(multiple(kubernetes)).toEqual([]);
    expect(multiple(throttle)).toEqual([]);
  });

  it('marks options that name parsers and multiline parsers', () => {
    const refs = FILTERS.flatMap((def) =>
      Object.entries(def.ownOptions)
        .filter(([, s]) => s.references)
        .map(([k, s]) => `${def.name}.${k}:${s.references}`),
    );
    expect(refs.sort()).toEqual(
      ['kubernetes.merge_parser:parser', 'kubernetes.regex_parser:parser', 'multiline.multiline.parser:multiline_parser', 'parser.parser:parser'].sort(),
    );
  });

  it('declares as unsupported the deprecated Unescape_Key and the kubernetes keys the filter never reads', () => {
    const unsupported = FILTERS.flatMap((def) =>
      Object.entries(def.ownOptions)
        .filter(([, s]) => s.unsupported)
        .map(([k]) => `${def.name}.${k}`),
    );
    const podAssociation = [
      'aws_pod_association_host',
      'aws_pod_association_endpoint',
      'aws_pod_association_port',
      'aws_pod_service_map_ttl',
      'aws_pod_service_map_refresh_interval',
      'aws_pod_service_preload_cache_dir',
      'aws_pod_association_host_server_ca_file',
      'aws_pod_association_host_client_cert_file',
      'aws_pod_association_host_client_key_file',
      'aws_pod_association_host_tls_debug',
      'aws_pod_association_host_tls_verify',
    ];
    const kubernetesKeys = ['tls.debug', 'kube_namespace_file', 'dns_retries', 'dns_wait_time', ...podAssociation, 'set_platform'];
    expect(unsupported.sort()).toEqual(['parser.unescape_key', ...kubernetesKeys.map((k) => `kubernetes.${k}`)].sort());
    // Turning the association on is a value the filter does not implement (both spellings).
    for (const key of ['aws_use_pod_association', 'use_pod_association']) {
      expect(spec(kubernetes, key).unsupportedValues?.map((u) => [u.when(true), u.when(false)])).toEqual([[true, false]]);
    }
    expect(spec(parser, 'unescape_key').unsupported).toMatch(/deprecated/);
  });
});

describe('kubernetes', () => {
  it("has Fluent Bit's defaults", () => {
    const v = resolve(kubernetes.options, {});
    expect(v).toMatchObject({
      buffer_size: 32_000,
      'tls.debug': 0,
      'tls.verify': true,
      'tls.verify_hostname': false,
      merge_log: false,
      merge_log_trim: true,
      keep_log: true,
      kube_url: 'https://kubernetes.default.svc',
      kube_ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      kube_token_file: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      kube_namespace_file: '/var/run/secrets/kubernetes.io/serviceaccount/namespace',
      kube_tag_prefix: 'kube.var.log.containers.',
      labels: true,
      annotations: true,
      owner_references: false,
      'k8s-logging.parser': false,
      'k8s-logging.exclude': false,
      use_journal: false,
      dummy_meta: false,
      dns_retries: 6,
      dns_wait_time: 30_000,
      use_kubelet: false,
      kubelet_host: '127.0.0.1',
      kubelet_port: 10250,
      kube_token_ttl: 600_000,
      kube_meta_cache_ttl: 0,
      kube_meta_namespace_cache_ttl: 900_000,
      aws_pod_association_port: 4311,
      aws_pod_service_map_refresh_interval: 60,
    });
    expect(v.merge_parser).toBeUndefined();
    expect(v.regex_parser).toBeUndefined();
    expect(spec(kubernetes, 'buffer_size').kind).toBe('size');
    expect(spec(kubernetes, 'kube_meta_cache_ttl').kind).toBe('time');
  });

  it('parses the container-insights values', () => {
    expect(resolve(kubernetes.options, { buffer_size: '0', use_kubelet: 'On', kubelet_port: '10250', 'k8s-logging.parser': 'On' })).toMatchObject({
      buffer_size: 0,
      use_kubelet: true,
      kubelet_port: 10250,
      'k8s-logging.parser': true,
    });
    expect(spec(kubernetes, 'kube_meta_cache_ttl').parse('1h')).toEqual({ ok: true, value: 3_600_000 });
  });

  it('reads Kube_URL as Fluent Bit does', () => {
    expect(parseKubeUrl('https://kubernetes.default.svc')).toEqual({ https: true, host: 'kubernetes.default.svc', port: 443 });
    expect(parseKubeUrl('http://10.0.0.1:8080')).toEqual({ https: false, host: '10.0.0.1', port: 8080 });
    expect(parseKubeUrl('https://api:443/path')).toEqual({ https: true, host: 'api', port: 443 });
    expect(parseKubeUrl('kubernetes.default.svc')).toBeUndefined();
    expect(parseKubeUrl('HTTPS://api')).toBeUndefined();
  });

  it('checks Kube_URL when it is set and used', () => {
    expect(check(kubernetes)).toEqual([]);
    expect(check(kubernetes, { kube_url: 'https://kubernetes.default.svc:443' })).toEqual([]);
    expect(check(kubernetes, { kube_url: 'kubernetes.default.svc' })).toEqual([
      expect.objectContaining({ code: 'invalid-value', key: 'kube_url', message: expect.stringMatching(/must start with http:\/\/ or https:\/\//) }),
    ]);
    expect(check(kubernetes, { kube_url: 'HTTPS://api' })).toHaveLength(1);
    expect(check(kubernetes, { kube_url: 'kubernetes.default.svc', use_tag_for_meta: 'on' })).toEqual([]);
    expect(check(kubernetes, { kube_url: 'https://api.example.com/' })).toEqual([
      expect.objectContaining({ code: 'invalid-value', severity: 'warning', message: expect.stringMatching(/'api.example.com\/' as the host name/) }),
    ]);
    expect(check(kubernetes, { kube_url: 'https://api:abc' })).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/port 'abc' as 0/) }),
    ]);
  });
});

describe('parser filter', () => {
  it('requires Key_Name and at least one Parser', () => {
    expect(spec(parser, 'key_name').required).toBe(true);
    expect(spec(parser, 'parser')).toMatchObject({ required: true, multiple: true, references: 'parser' });
    expect(resolve(parser.options, { key_name: 'log', parser: ['json', 'apache'] })).toMatchObject({
      key_name: 'log',
      parser: ['json', 'apache'],
      reserve_data: false,
      preserve_key: false,
    });
  });

  it('checks a record accessor Key_Name', () => {
    expect(spec(parser, 'key_name').parse("$kubernetes['annotations']['x']")).toMatchObject({ ok: true });
    fails(spec(parser, 'key_name').parse('$log.inner'), undefined, /ends the key at '\.'/);
  });
});

describe('grep', () => {
  it('parses KEY REGEX rules', () => {
    const rule = ok(parseGrepRule('log ^ERROR'));
    expect(rule.field).toBe('$log');
    expect(rule.accessor).toEqual({ source: '$log', key: 'log', subkeys: [] });
    expect(rule.regex.regexp.test('ERROR: x')).toBe(true);
    expect(rule.regex.regexp.test('an ERROR')).toBe(false);
  });

  it('keeps the spaces of the regex after the first one', () => {
    const rule = ok(parseGrepRule('message connection refused'));
    expect(rule.regex.pattern).toBe('connection refused');
  });

  it('accepts record accessor keys and /regex/flags', () => {
    const rule = ok(parseGrepRule("$kubernetes['labels']['app'] ^web$"));
    expect(rule.accessor).toEqual({ source: "$kubernetes['labels']['app']", key: 'kubernetes', subkeys: ['labels', 'app'] });
    const facility = ok(parseGrepRule('SYSLOG_FACILITY /^(2|9|10)$/'));
    expect(facility.regex.regexp.test('9')).toBe(true);
    expect(facility.regex.regexp.test('19')).toBe(false);
    expect(ok(parseGrepRule('$items[0] x')).accessor.subkeys).toEqual([0]);
  });

  it('rejects rules without a regex, bad regexes and dotted keys', () => {
    const missing = fails(parseGrepRule('log'), 'invalid-rule', /'log' is not KEY REGEX/);
    expect(missing.hint).toMatch(/key, one space/);
    fails(parseGrepRule('log (unclosed'), 'invalid-regex', /invalid regular expression for key 'log' '\(unclosed'/);
    const dotted = fails(parseGrepRule('kubernetes.labels.app web'), 'invalid-rule', /ends the key at '\.'/);
    expect(dotted.hint).toBe("write nested keys as $kubernetes['labels']['app']");
    fails(parseGrepRule("$kubernetes['labels' web"), 'invalid-rule', /missing '\]'/);
  });

  it('warns when extra spaces end up in the regex', () => {
    const rule = warns(parseGrepRule('log   ^ERROR'), /starts with a space/);
    expect(rule.regex.pattern).toBe('  ^ERROR');
  });

  it('reads Logical_Op case-insensitively and falls back to legacy like Fluent Bit', () => {
    const op = spec(grep, 'logical_op');
    expect(op.defaultValue).toBe('legacy');
    expect(op.values).toEqual(['legacy', 'and', 'or']);
    expect(ok(op.parse('AND'))).toBe('and');
    expect(ok(op.parse('Or'))).toBe('or');
    expect(warns(op.parse('xor'), /uses legacy \(did you mean 'or'\?\)/)).toBe('legacy');
  });

  it('forbids mixing Regex and Exclude with AND/OR only', () => {
    expect(check(grep, { regex: ['log a'], exclude: ['log b'] })).toEqual([]);
    expect(check(grep, { regex: ['log a', 'level b'], logical_op: 'AND' })).toEqual([]);
    expect(check(grep, { regex: ['log a'], exclude: ['log b'], logical_op: 'or' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', key: 'logical_op', message: 'Logical_Op OR cannot combine Regex and Exclude rules' }),
    ]);
  });
});

describe('modify', () => {
  const rule = (key: Parameters<typeof parseModifyRule>[0], text: string) => parseModifyRule(key, text);

  it('parses each operation with its arity', () => {
    expect(ok(rule('set', 'msg "hello world"'))).toEqual({ op: 'set', key: 'msg', value: 'hello world', source: 'msg "hello world"' });
    expect(ok(rule('add', 'env prod'))).toMatchObject({ op: 'add', key: 'env', value: 'prod' });
    expect(ok(rule('rename', '_HOSTNAME                   hostname'))).toMatchObject({ op: 'rename', key: '_HOSTNAME', to: 'hostname' });
    expect(ok(rule('hard_copy', 'a b'))).toMatchObject({ op: 'hard_copy', key: 'a', to: 'b' });
    expect(ok(rule('remove', 'secret'))).toMatchObject({ op: 'remove', key: 'secret' });
    expect(ok(rule('move_to_start', 'kube'))).toMatchObject({ op: 'move_to_start', key: 'kube' });
    expect(ok(rule('set', "quote 'single quoted'"))).toMatchObject({ value: 'single quoted' });
    expect(ok(rule('add_if_not_present', 'a b'))).toMatchObject({ op: 'add', key: 'a', value: 'b' });
  });

  it('compiles Remove_regex', () => {
    const r = ok(rule('remove_regex', '^((?!hostname|systemd_unit|message).)*$'));
    if (r.op !== 'remove_regex') throw new Error('wrong op');
    expect(r.regex.regexp.test('hostname')).toBe(false);
    expect(r.regex.regexp.test('PRIORITY')).toBe(true);
    fails(rule('remove_regex', '[A-Z'), 'invalid-regex', /in Remove_regex '\[A-Z'/);
    fails(rule('remove_regex', '""'), 'invalid-rule', /non-empty/);
  });

  it('rejects wrong argument counts with the reason', () => {
    fails(rule('set', 'key'), 'invalid-rule', /^Set takes KEY VALUE \(2 words\), got one word$/);
    const three = fails(rule('set', 'msg hello world'), 'invalid-rule', /got 3 words; Fluent Bit would silently run it as Rename msg world/);
    expect(three.hint).toMatch(/double quotes/);
    fails(rule('remove', 'a b'), 'invalid-rule', /^Remove takes KEY \(one word\), got 2 words$/);
    fails(rule('rename', 'a'), 'invalid-rule', /Rename takes KEY NEW_KEY/);
    fails(rule('copy', 'a b c d'), 'invalid-rule', /more than 3 words/);
    fails(rule('set', 'a "b'), 'invalid-rule', /unterminated double quote/);
  });

  it('fails like Fluent Bit when any word does not compile as a regex', () => {
    fails(rule('set', 'path *.log'), 'invalid-regex', /'\*\.log'.*compiles every word of a modify rule/);
    fails(rule('rename', '( b'), 'invalid-regex', /'\('/);
  });

  it('parses conditions with their argument counts', () => {
    expect(ok(parseModifyCondition("Key_value_equals $kubernetes['namespace_name'] prod"))).toMatchObject({
      type: 'key_value_equals',
      key: { key: 'kubernetes', subkeys: ['namespace_name'] },
      value: 'prod',
    });
    expect(ok(parseModifyCondition('KEY_EXISTS stream'))).toMatchObject({ type: 'key_exists', key: { key: 'stream', subkeys: [] } });
    const m = ok(parseModifyCondition('Key_value_matches level "^(warn|error)$"'));
    if (m.type !== 'key_value_matches') throw new Error('wrong type');
    expect(m.valueRegex.regexp.test('warn')).toBe(true);
    const both = ok(parseModifyCondition('Matching_keys_have_matching_values ^kube ^prod$'));
    expect(both).toMatchObject({ type: 'matching_keys_have_matching_values' });
    expect(ok(parseModifyCondition('No_key_matches ^_'))).toMatchObject({ type: 'no_key_matches' });
  });

  it('rejects bad conditions', () => {
    const unknown = fails(parseModifyCondition('Key_exist stream'), 'invalid-rule', /unknown condition 'Key_exist'/);
    expect(unknown.hint).toBe("did you mean 'Key_exists'?");
    fails(parseModifyCondition('Key_value_equals stream'), 'invalid-rule', /Key_value_equals takes KEY VALUE, got one word/);
    fails(parseModifyCondition('Key_exists'), 'invalid-rule', /Key_exists takes KEY, got 0 words/);
    fails(parseModifyCondition('A_key_matches ('), 'invalid-regex', /in Condition A_key_matches/);
    fails(parseModifyCondition('Key_value_matches level ""'), 'invalid-rule', /non-empty regular expression/);
    fails(parseModifyCondition("Key_exists $a['b"), 'invalid-rule', /unterminated quoted subkey/);
    expect(warns(parseModifyCondition('Key_exists a b'), /ignores 'b'/)).toMatchObject({ type: 'key_exists' });
  });

  it('builds the program in entry order across keys', () => {
    const set = ok(rule('set', 'b x'));
    const rename = ok(rule('rename', 'a b'));
    const cond = ok(parseModifyCondition('Key_exists a'));
    const program = modifyProgram([
      { key: 'match', value: '*' },
      { key: 'rename', value: rename },
      { key: 'condition', value: cond },
      { key: 'set', value: set },
    ]);
    expect(program.rules.map((r: ModifyRule) => r.op)).toEqual(['rename', 'set']);
    expect(program.conditions).toEqual([cond]);
  });

  it('reports Add_if_not_present, which current Fluent Bit rejects', () => {
    expect(check(modify, { set: ['a b'] })).toEqual([]);
    expect(check(modify, { add_if_not_present: ['a b'] })).toEqual([
      expect.objectContaining({ code: 'unknown-key', key: 'add_if_not_present', hint: 'use Add, which does the same' }),
    ]);
  });
});

describe('record_modifier', () => {
  it('parses Record KEY VALUE with double quotes', () => {
    expect(ok(parseRecordRule('hostname node-1'))).toEqual({ key: 'hostname', value: 'node-1' });
    expect(ok(parseRecordRule('msg "hello world"'))).toEqual({ key: 'msg', value: 'hello world' });
    fails(parseRecordRule('msg hello world'), 'invalid-rule', /more than KEY and VALUE; Fluent Bit drops this rule/);
    fails(parseRecordRule('msg'), 'invalid-rule', /has no VALUE/);
  });

  it('reads key patterns with a trailing * as prefixes and accepts Whitelist_key', () => {
    expect(ok(spec(recordModifier, 'remove_key').parse('kube*'))).toEqual({ source: 'kube*', key: 'kube', prefix: true });
    expect(ok(spec(recordModifier, 'allowlist_key').parse('log'))).toEqual({ source: 'log', key: 'log', prefix: false });
    expect(lookupOption(recordModifier.options, 'Whitelist_key')).toEqual({ name: 'allowlist_key' });
  });

  it('forbids Remove_key with Allowlist_key', () => {
    expect(check(recordModifier, { remove_key: ['a'] })).toEqual([]);
    expect(check(recordModifier, { remove_key: ['a'], allowlist_key: ['b'] })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', key: 'allowlist_key' }),
    ]);
  });
});

describe('nest', () => {
  it('reads Operation like Fluent Bit (case-sensitive, first 4 characters)', () => {
    const op = spec(nest, 'operation');
    expect(op.required).toBe(true);
    expect(op.values).toEqual(['nest', 'lift']);
    expect(ok(parseNestOperation('lift'))).toBe('lift');
    expect(warns(parseNestOperation('nesting'), /first 4 characters/)).toBe('nest');
    expect(fails(parseNestOperation('Nest'), undefined, /'Nest' is not nest or lift/).hint).toMatch(/case-sensitively: write nest/);
    fails(parseNestOperation('flatten'), undefined, /not nest or lift/);
    expect(ok(spec(nest, 'wildcard').parse('Mem.*'))).toEqual({ source: 'Mem.*', key: 'Mem.', prefix: true });
  });

  it('checks what each operation needs', () => {
    expect(check(nest, { operation: 'nest', wildcard: ['Mem.*'], nest_under: 'Memstats' })).toEqual([]);
    expect(check(nest, { operation: 'lift', nested_under: 'Memstats', add_prefix: 'M_' })).toEqual([]);
    expect(check(nest, { operation: 'nest', nest_under: 'x' })).toEqual([expect.objectContaining({ code: 'missing-required', message: expect.stringMatching(/Wildcard/) })]);
    expect(check(nest, { operation: 'nest', wildcard: ['a'] })).toEqual([
      expect.objectContaining({ code: 'missing-required', message: 'Operation nest needs Nest_under' }),
    ]);
    expect(check(nest, { operation: 'lift' })).toEqual([expect.objectContaining({ code: 'missing-required', message: 'Operation lift needs Nested_under' })]);
    expect(check(nest, { operation: 'lift', nest_under: 'x' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', severity: 'warning', key: 'nest_under' }),
    ]);
    expect(check(nest, { operation: 'lift', nested_under: 'x', add_prefix: 'a', remove_prefix: 'b' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', key: 'remove_prefix', message: 'Add_prefix and Remove_prefix cannot be used together' }),
    ]);
    expect(check(nest, {})).toEqual([]);
  });
});

describe('rewrite_tag', () => {
  it('parses $KEY REGEX NEW_TAG KEEP', () => {
    const r = ok(parseRewriteRule('$log ^(error|warn) alert.$1 false'));
    expect(r.key).toEqual({ source: '$log', key: 'log', subkeys: [] });
    expect(r.regex.regexp.test('warn: disk')).toBe(true);
    expect(r.tag).toBe('alert.$1');
    expect(r.tagParts).toEqual([{ type: 'text', value: 'alert.' }, { type: 'group', index: 1 }]);
    expect(r.keep).toBe(false);
  });

  it('supports double-quoted parts, record accessor keys and tag templates', () => {
    const r = ok(parseRewriteRule(`$kubernetes['labels']['app'] "^(my app)$" app.$TAG[1].$kubernetes['namespace_name'] On`));
    expect(r.key.subkeys).toEqual(['labels', 'app']);
    expect(r.regex.pattern).toBe('^(my app)$');
    expect(r.keep).toBe(true);
    expect(r.tagParts).toEqual([
      { type: 'text', value: 'app.' },
      { type: 'tag-part', index: 1 },
      { type: 'text', value: '.' },
      { type: 'key', accessor: { source: "$kubernetes['namespace_name']", key: 'kubernetes', subkeys: ['namespace_name'] } },
    ]);
  });

  it('rejects missing parts and bad regexes, warns on what Fluent Bit ignores', () => {
    fails(parseRewriteRule('$log ^a new.tag'), 'invalid-rule', /has 3 of its 4 parts/);
    fails(parseRewriteRule('$log ( new.tag true'), 'invalid-regex', /in Rule '\('/);
    fails(parseRewriteRule("$log ^a $kubernetes['x true"), 'invalid-rule', /NEW_TAG/);
    expect(warns(parseRewriteRule('$log ^a new.tag maybe'), /KEEP 'maybe' is not a boolean; Fluent Bit treats it as false/).keep).toBe(false);
    warns(parseRewriteRule('$log ^a new.tag true extra words'), /ignores 'extra words' after KEEP/);
  });

  it('has the emitter defaults and checks', () => {
    expect(resolve(rewriteTag.options, {})).toMatchObject({ 'emitter_storage.type': 'memory', emitter_mem_buf_limit: 10_000_000 });
    expect(spec(rewriteTag, 'emitter_name').defaultValue).toBeUndefined();
    expect(spec(rewriteTag, 'emitter_storage.type').parse('memrb')).toMatchObject({ ok: false });
    expect(check(rewriteTag, { rule: ['$log ^a b false'], match: 'app.*' })).toEqual([]);
    expect(check(rewriteTag, { match: 'app.*' })).toEqual([expect.objectContaining({ code: 'missing-required', severity: 'warning' })]);
    expect(check(rewriteTag, { rule: ['$log ^a b false'], match: '*' })).toEqual([
      expect.objectContaining({ key: 'match', severity: 'warning', message: expect.stringMatching(/loop/) }),
    ]);
  });
});

describe('throttle', () => {
  it("has Fluent Bit's defaults", () => {
    expect(resolve(throttle.options, {})).toEqual(expect.objectContaining({ rate: 1, window: 5, interval: 1000, print_status: false }));
  });

  it('reads Interval as float seconds with s/m/h/d, truncated, in milliseconds', () => {
    expect(ok(parseThrottleInterval('1s'))).toBe(1000);
    expect(ok(parseThrottleInterval('1.5m'))).toBe(90_000);
    expect(ok(parseThrottleInterval('2h'))).toBe(7_200_000);
    expect(ok(parseThrottleInterval('1d'))).toBe(86_400_000);
    expect(warns(parseThrottleInterval('1.5'), /truncates '1.5' to 1 second$/)).toBe(1000);
    expect(warns(parseThrottleInterval('2min'), /ignores it and uses 2 seconds/)).toBe(2000);
    expect(warns(parseThrottleInterval('5M'), /lowercase/)).toBe(5000);
    fails(parseThrottleInterval('0.5'), undefined, /less than one second/);
    fails(parseThrottleInterval('0'), undefined, /not a positive interval/);
    fails(parseThrottleInterval('-1m'), undefined, /not a positive interval/);
    fails(parseThrottleInterval('fast'), undefined, /not a positive interval/);
  });

  it('replaces a Rate or Window of 1 or less as Fluent Bit does', () => {
    expect(ok(spec(throttle, 'rate').parse('800'))).toBe(800);
    expect(ok(spec(throttle, 'rate').parse('1'))).toBe(1);
    expect(warns(spec(throttle, 'rate').parse('0.5'), /with 1/)).toBe(1);
    expect(ok(spec(throttle, 'window').parse('300'))).toBe(300);
    expect(warns(spec(throttle, 'window').parse('1'), /with 5/)).toBe(5);
    fails(spec(throttle, 'window').parse('many'), undefined, /not an integer/);
  });
});

describe('multiline filter', () => {
  it("has Fluent Bit's defaults", () => {
    expect(resolve(multiline.options, {})).toMatchObject({
      mode: 'parser',
      buffer: true,
      flush_ms: 2000,
      debug_flush: false,
      'multiline.parser': [],
      'emitter_storage.type': 'memory',
      emitter_mem_buf_limit: 10_000_000,
    });
    expect(spec(multiline, 'mode').values).toEqual(['parser', 'partial_message']);
    expect(ok(spec(multiline, 'multiline.parser').parse('docker, cri'))).toEqual(['docker', 'cri']);
  });

  it('checks what each mode needs', () => {
    expect(check(multiline, { 'multiline.parser': ['docker, cri'], 'multiline.key_content': 'log' })).toEqual([]);
    expect(check(multiline)).toEqual([expect.objectContaining({ code: 'missing-required', key: 'mode', message: expect.stringMatching(/multiline.parser/) })]);
    expect(check(multiline, { mode: 'partial_message', 'multiline.key_content': 'log' })).toEqual([]);
    expect(check(multiline, { mode: 'partial_message' })).toEqual([
      expect.objectContaining({ code: 'missing-required', message: expect.stringMatching(/multiline.key_content/) }),
    ]);
    expect(check(multiline, { mode: 'partial_message', 'multiline.key_content': 'log', buffer: 'off' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys', key: 'buffer' }),
    ]);
  });
});

describe('record accessors', () => {
  it('parses keys, quoted subkeys and indexes', () => {
    expect(parseRecordAccessor("$a['b.c']['it''s'][2]")).toEqual({
      ok: true,
      accessor: { source: "$a['b.c']['it''s'][2]", key: 'a', subkeys: ['b.c', "it's", 2] },
    });
    expect(parseRecordAccessor('$TAG')).toMatchObject({ ok: false, message: expect.stringMatching(/record tag/) });
    expect(parseRecordAccessor('$1')).toMatchObject({ ok: false, message: expect.stringMatching(/capture group/) });
    expect(parseRecordAccessor("$a['b c']")).toMatchObject({ ok: false, message: expect.stringMatching(/a space/) });
  });

  it('splits templates like ra_parse_buffer', () => {
    expect(parseAccessorTemplate('$TAG.$0-x')).toEqual({
      ok: true,
      parts: [{ type: 'tag' }, { type: 'text', value: '.' }, { type: 'group', index: 0 }, { type: 'text', value: '-x' }],
    });
    expect(parseAccessorTemplate('plain.tag')).toEqual({ ok: true, parts: [{ type: 'text', value: 'plain.tag' }] });
    expect(parseAccessorTemplate('a.$b,c')).toEqual({
      ok: true,
      parts: [
        { type: 'text', value: 'a.' },
        { type: 'key', accessor: { source: '$b', key: 'b', subkeys: [] } },
        { type: 'text', value: ',c' },
      ],
    });
  });
});
