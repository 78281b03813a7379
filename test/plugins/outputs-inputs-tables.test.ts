import { describe, it, expect } from 'vitest';
import { runCheck, type Report } from '../support/check.js';
import type { PluginDefinition } from '../../src/options/define.js';
import tail from '../../src/plugins/inputs/tail/index.js';
import systemd from '../../src/plugins/inputs/systemd/index.js';
import dummy from '../../src/plugins/inputs/dummy/index.js';
import libInput from '../../src/plugins/inputs/lib/index.js';
import cloudwatch from '../../src/plugins/outputs/cloudwatch_logs/index.js';
import firehose from '../../src/plugins/outputs/kinesis_firehose/index.js';
import kinesisStreams from '../../src/plugins/outputs/kinesis_streams/index.js';
import kinesisGo from '../../src/plugins/outputs/kinesis/index.js';
import firehoseGo from '../../src/plugins/outputs/firehose/index.js';
import cloudwatchGo from '../../src/plugins/outputs/cloudwatch/index.js';
import stdout from '../../src/plugins/outputs/stdout/index.js';
import file from '../../src/plugins/outputs/file/index.js';
import nullOutput from '../../src/plugins/outputs/null/index.js';
import libOutput from '../../src/plugins/outputs/lib/index.js';
import es from '../../src/plugins/outputs/es/index.js';
import opensearch from '../../src/plugins/outputs/opensearch/index.js';
import { findPlugin } from '../../src/plugins/registry.js';
import { UNSUPPORTED_PLUGINS } from '../../src/plugins/unsupported.js';

const DEFINITIONS: readonly PluginDefinition[] = [tail, systemd, dummy, libInput, cloudwatch, firehose, kinesisStreams, kinesisGo, firehoseGo, cloudwatchGo, stdout, file, nullOutput, libOutput, es, opensearch];

const IMPLEMENTED = {
  input: ['tail', 'systemd', 'dummy', 'lib'],
  filter: ['kubernetes', 'parser', 'grep', 'modify', 'record_modifier', 'nest', 'rewrite_tag', 'throttle', 'multiline', 'aws'],
  output: ['cloudwatch_logs', 'kinesis_firehose', 'kinesis_streams', 'kinesis', 'firehose', 'cloudwatch', 'stdout', 'file', 'null', 'lib', 'es', 'elasticsearch', 'opensearch'],
} as const;

const errors = (reports: Report[]) => reports.filter((r) => r.severity === undefined || r.severity === 'error');

function parse(def: PluginDefinition, key: string, text: string) {
  const spec = def.options[key];
  if (!spec) throw new Error(`no option ${key} in ${def.name}`);
  return spec.parse(text);
}

describe('all tables', () => {
  it('use lowercase names, keys and aliases, and document every option', () => {
    for (const def of DEFINITIONS) {
      expect(def.name).toBe(def.name.toLowerCase());
      expect(def.description.length).toBeGreaterThan(0);
      for (const [key, spec] of Object.entries(def.ownOptions)) {
        expect(key, `${def.name}.${key}`).toBe(key.toLowerCase());
        for (const alias of spec.aliases ?? []) expect(alias).toBe(alias.toLowerCase());
        expect(spec.doc.length, `${def.name}.${key} doc`).toBeGreaterThan(0);
        expect(spec.doc).not.toContain('\n');
      }
    }
  });

  it('register under the Fluent Bit plugin names and kinds', () => {
    expect(DEFINITIONS.map((d) => `${d.kind}:${d.name}`)).toEqual([
      'input:tail',
      'input:systemd',
      'input:dummy',
      'input:lib',
      'output:cloudwatch_logs',
      'output:kinesis_firehose',
      'output:kinesis_streams',
      'output:kinesis',
      'output:firehose',
      'output:cloudwatch',
      'output:stdout',
      'output:file',
      'output:null',
      'output:lib',
      'output:es',
      'output:opensearch',
    ]);
  });

  it('merge the common keys', () => {
    expect(tail.options.tag).toBeDefined();
    expect(tail.options.mem_buf_limit).toBeDefined();
    expect(cloudwatch.options.match).toBeDefined();
    expect(cloudwatch.options['net.keepalive']).toBeDefined();
    expect(libInput.options.tag).toBeDefined();
    expect(Object.keys(libInput.ownOptions)).toEqual([]);
  });
});

describe('tail', () => {
  const o = tail.options;

  it('has Fluent Bit defaults', () => {
    expect(o.buffer_chunk_size.defaultValue).toBe(32768);
    expect(o.buffer_max_size.defaultValue).toBe(32768);
    expect(o.static_batch_size.defaultValue).toBe(50_000_000);
    expect(o.event_batch_size.defaultValue).toBe(50_000_000);
    expect(o.refresh_interval.defaultValue).toBe(60_000);
    expect(o.rotate_wait.defaultValue).toBe(5000);
    expect(o.watcher_interval.defaultValue).toBe(2000);
    expect(o.progress_check_interval.defaultValue).toBe(2000);
    expect(o.ignore_older.defaultValue).toBe(0);
    expect(o.multiline_flush.defaultValue).toBe(4000);
    expect(o.docker_mode_flush.defaultValue).toBe(4);
    expect(o.key.defaultValue).toBe('log');
    expect(o.read_from_head.defaultValue).toBe(false);
    expect(o.read_newly_discovered_files_from_head.defaultValue).toBe(true);
    expect(o.skip_long_lines.defaultValue).toBe(false);
    expect(o.inotify_watcher.defaultValue).toBe(true);
    expect(o['db.sync'].defaultValue).toBe('normal');
    expect(o['db.journal_mode'].defaultValue).toBe('wal');
    expect(o['db.locking'].defaultValue).toBe(false);
    expect(o.path.required).toBe(true);
  });

  it('declares references, repeatable and prefix keys', () => {
    expect(o.parser.references).toBe('parser');
    expect(o.parser_firstline.references).toBe('parser');
    expect(o.docker_mode_parser.references).toBe('parser');
    expect(o['multiline.parser'].references).toBe('multiline_parser');
    expect(o['multiline.parser'].multiple).toBe(true);
    expect(o.parser_.prefix).toBe(true);
    expect(o.parser_.references).toBe('parser');
    expect(o.path.multiple).toBe(false);
  });

  it('parses values the way Fluent Bit does', () => {
    expect(parse(tail, 'path', '/var/log/a.log, /var/log/b/*.log')).toEqual({ ok: true, value: ['/var/log/a.log', '/var/log/b/*.log'] });
    expect(parse(tail, 'buffer_chunk_size', '32k')).toEqual({ ok: true, value: 32_000 });
    expect(parse(tail, 'buffer_max_size', '5MB')).toEqual({ ok: true, value: 5_000_000 });
    expect(parse(tail, 'buffer_max_size', '32KiB').ok).toBe(false);
    expect(parse(tail, 'rotate_wait', '1m')).toEqual({ ok: true, value: 60_000 });
    expect(parse(tail, 'ignore_older', '1d')).toEqual({ ok: true, value: 86_400_000 });
    expect(parse(tail, 'refresh_interval', '10')).toEqual({ ok: true, value: 10_000 });
    expect(parse(tail, 'refresh_interval', '0').ok).toBe(false);
    expect(parse(tail, 'db.sync', 'FULL')).toEqual({ ok: true, value: 'full' });
    expect(parse(tail, 'db.sync', 'always').ok).toBe(false);
    expect(parse(tail, 'db.journal_mode', 'delete')).toEqual({ ok: true, value: 'delete' });
    expect(parse(tail, 'db.journal_mode', 'wall').ok).toBe(false);
    expect(parse(tail, 'read_from_head', 'On')).toEqual({ ok: true, value: true });
    expect(parse(tail, 'read_from_head', 'maybe').ok).toBe(false);
    expect(parse(tail, 'multiline.parser', 'docker, cri')).toEqual({ ok: true, value: ['docker', 'cri'] });
    expect(parse(tail, 'generic.encoding', 'sjis')).toEqual({ ok: true, value: 'sjis' });
    expect(parse(tail, 'unicode.encoding', 'UTF-16LE')).toEqual({ ok: true, value: 'utf-16le' });
    const tagRegex = parse(tail, 'tag_regex', '(?<pod_name>[a-z0-9-]+)_(?<namespace>[^_]+)');
    expect(tagRegex.ok).toBe(true);
    expect(parse(tail, 'tag_regex', '(?<a>').ok).toBe(false);
  });

  it('treats Windows-only keys and the encodings and tuning it does not implement as unsupported', () => {
    expect(o['windows.path_encoding'].unsupported).toBeTruthy();
    expect(o['unicode.encoding'].unsupported).toMatch(/UTF-8/);
    expect(o['generic.encoding'].unsupported).toMatch(/UTF-8/);
    expect(o.inotify_watcher.unsupported).toBeUndefined();
    expect(o.file_cache_advise.unsupported).toBeTruthy();
    // Still typed and checked: a bad encoding is an error, as in Fluent Bit.
    expect(parse(tail, 'unicode.encoding', 'latin1').ok).toBe(false);
  });

  it('accepts a plain configuration', () => {
    expect(runCheck(tail, { path: '/var/log/containers/*.log', 'multiline.parser': ['docker, cri'], db: '/var/run/tail.db' })).toEqual([]);
  });

  it('rejects buffer_max_size below buffer_chunk_size', () => {
    const r = runCheck(tail, { path: '/x', buffer_chunk_size: '64k' });
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ code: 'invalid-value', key: 'buffer_chunk_size' });
    expect(runCheck(tail, { path: '/x', buffer_chunk_size: '64k', buffer_max_size: '32k' })[0]).toMatchObject({ key: 'buffer_max_size' });
    expect(runCheck(tail, { path: '/x', buffer_chunk_size: '64k', buffer_max_size: '64k' })).toEqual([]);
  });

  it('rejects rotate_wait of 0', () => {
    expect(runCheck(tail, { path: '/x', rotate_wait: '0' })).toEqual([expect.objectContaining({ code: 'invalid-value', key: 'rotate_wait' })]);
    expect(runCheck(tail, { path: '/x', rotate_wait: '1' })).toEqual([]);
  });

  it('rejects multiline.parser combined with the legacy modes', () => {
    const legacy = runCheck(tail, { path: '/x', 'multiline.parser': 'docker', multiline: 'on', parser_firstline: 'first' });
    expect(legacy).toEqual([expect.objectContaining({ code: 'conflicting-keys', key: 'multiline' })]);
    const docker = runCheck(tail, { path: '/x', 'multiline.parser': 'cri', docker_mode: 'on' });
    expect(docker).toEqual([expect.objectContaining({ code: 'conflicting-keys', key: 'docker_mode' })]);
    expect(runCheck(tail, { path: '/x', 'multiline.parser': 'cri', docker_mode: 'off', multiline: 'off' })).toEqual([]);
  });

  it('checks the legacy multiline mode', () => {
    expect(runCheck(tail, { path: '/x', multiline: 'on' })).toEqual([expect.objectContaining({ code: 'missing-required', key: 'multiline' })]);
    expect(runCheck(tail, { path: '/x', multiline: 'on', parser_firstline: 'first' })).toEqual([]);
    const both = runCheck(tail, { path: '/x', multiline: 'on', parser_firstline: 'first', docker_mode: 'on' });
    expect(both).toEqual([expect.objectContaining({ code: 'conflicting-keys', key: 'docker_mode' })]);
  });

  it('rejects two input encodings', () => {
    const r = runCheck(tail, { path: '/x', 'unicode.encoding': 'auto', 'generic.encoding': 'gbk' });
    expect(r).toEqual([expect.objectContaining({ code: 'conflicting-keys' })]);
  });
});

describe('dummy', () => {
  const o = dummy.options;

  it('has the in_dummy defaults', () => {
    expect(o.dummy.defaultValue).toEqual({ message: 'dummy' });
    expect(o.metadata.defaultValue).toEqual({});
    expect(o.rate.defaultValue).toBe(1);
    expect(o.interval_sec.defaultValue).toBe(0);
    expect(o.interval_nsec.defaultValue).toBe(0);
    expect(o.samples.defaultValue).toBe(0);
    expect(o.copies.defaultValue).toBe(1);
    expect(o.start_time_sec.defaultValue).toBe(-1);
    expect(o.start_time_nsec.defaultValue).toBe(-1);
    expect(o.fixed_timestamp.defaultValue).toBe(false);
    expect(o.flush_on_startup.defaultValue).toBe(false);
  });

  it('parses the JSON templates', () => {
    expect(parse(dummy, 'dummy', '{"a":1,"b":"x"}')).toEqual({ ok: true, value: { a: 1, b: 'x' } });
    const broken = parse(dummy, 'dummy', '{"a":');
    expect(broken.ok).toBe(true);
    expect(broken.ok && broken.value).toEqual({ message: 'dummy' });
    expect(broken.ok && broken.warning).toBeTruthy();
    expect(parse(dummy, 'dummy', '[1,2]').ok).toBe(false);
    expect(parse(dummy, 'metadata', '{"k":"v"}')).toEqual({ ok: true, value: { k: 'v' } });
  });

  it('warns about settings Fluent Bit replaces', () => {
    expect(runCheck(dummy)).toEqual([]);
    expect(runCheck(dummy, { rate: '0' })).toEqual([expect.objectContaining({ key: 'rate', severity: 'warning' })]);
    expect(runCheck(dummy, { rate: '0', interval_sec: '2' })).toEqual([]);
    expect(runCheck(dummy, { copies: '0' })).toEqual([expect.objectContaining({ key: 'copies', severity: 'warning' })]);
    expect(errors(runCheck(dummy, { interval_nsec: '-5' }))).toEqual([]);
  });
});

describe('cloudwatch_logs', () => {
  const o = cloudwatch.options;
  const base = { region: 'us-east-1', log_group_name: '/aws/app' };

  it('has Fluent Bit defaults', () => {
    expect(o.region.required).toBe(true);
    expect(o.log_group_name.required).toBe(true);
    expect(o.auto_create_group.defaultValue).toBe(false);
    expect(o.auto_retry_requests.defaultValue).toBe(true);
    expect(o.log_retention_days.defaultValue).toBe(0);
    expect(o.log_group_class.defaultValue).toBe('standard');
    expect(o.add_entity.defaultValue).toBe(false);
    expect(o.workers.defaultValue).toBe(1);
    expect(o.metric_namespace.unsupported).toBeUndefined();
    expect(o.metric_dimensions.unsupported).toBeUndefined();
  });

  it('parses log_group_class case-sensitively, as Fluent Bit compares it', () => {
    expect(parse(cloudwatch, 'log_group_class', 'INFREQUENT_ACCESS')).toEqual({ ok: true, value: 'infrequent_access' });
    const lower = parse(cloudwatch, 'log_group_class', 'standard');
    expect(lower.ok).toBe(false);
    expect(!lower.ok && lower.hint).toContain('STANDARD');
    expect(parse(cloudwatch, 'log_group_class', 'GLACIER').ok).toBe(false);
  });

  it('reads auto_retry_requests like the plugin: only Off/False disable it', () => {
    expect(parse(cloudwatch, 'auto_retry_requests', 'Off')).toEqual({ ok: true, value: false });
    expect(parse(cloudwatch, 'auto_retry_requests', 'false')).toEqual({ ok: true, value: false });
    const no = parse(cloudwatch, 'auto_retry_requests', 'no');
    expect(no.ok && no.value).toBe(true);
    expect(no.ok && no.warning).toBeTruthy();
    expect(parse(cloudwatch, 'auto_retry_requests', 'sometimes').ok).toBe(false);
    expect(parse(firehose, 'auto_retry_requests', 'no')).toEqual({ ok: true, value: false });
  });

  it('requires exactly one of log_stream_name and log_stream_prefix', () => {
    expect(runCheck(cloudwatch, { ...base, log_stream_prefix: 'from-' })).toEqual([]);
    expect(runCheck(cloudwatch, { ...base, log_stream_name: 'app' })).toEqual([]);
    expect(runCheck(cloudwatch, { ...base, log_stream_name: 'app', log_stream_prefix: 'from-' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys' }),
    ]);
    expect(runCheck(cloudwatch, base)).toEqual([expect.objectContaining({ code: 'conflicting-keys' })]);
    const templateOnly = runCheck(cloudwatch, { ...base, log_stream_template: "$kubernetes['pod_name']" });
    expect(templateOnly).toEqual([expect.objectContaining({ code: 'conflicting-keys' })]);
  });

  it('accepts only CloudWatch retention periods', () => {
    for (const days of ['0', '1', '14', '365', '1096', '3653']) {
      expect(runCheck(cloudwatch, { ...base, log_stream_name: 's', log_retention_days: days })).toEqual([]);
    }
    for (const days of ['2', '100', '4000']) {
      expect(runCheck(cloudwatch, { ...base, log_stream_name: 's', log_retention_days: days })).toEqual([
        expect.objectContaining({ code: 'invalid-value', key: 'log_retention_days' }),
      ]);
    }
    expect(errors(runCheck(cloudwatch, { ...base, log_stream_name: 's', log_retention_days: '-1' }))).toEqual([]);
  });
});

describe('kinesis_firehose', () => {
  const o = firehose.options;

  it('has Fluent Bit defaults', () => {
    expect(o.region.required).toBe(true);
    expect(o.delivery_stream.required).toBe(true);
    expect(o.time_key_format.defaultValue).toBe('%Y-%m-%dT%H:%M:%S');
    expect(o.auto_retry_requests.defaultValue).toBe(true);
    expect(o.simple_aggregation.defaultValue).toBe(false);
    expect(o.workers.defaultValue).toBe(1);
  });

  it('parses compression like Fluent Bit', () => {
    expect(parse(firehose, 'compression', 'gzip')).toEqual({ ok: true, value: 'gzip' });
    expect(parse(firehose, 'compression', 'zstd')).toEqual({ ok: true, value: 'zstd' });
    expect(parse(firehose, 'compression', 'snappy')).toEqual({ ok: true, value: 'snappy' });
    expect(parse(firehose, 'compression', 'GZIP').ok).toBe(false);
    expect(parse(firehose, 'compression', 'arrow').ok).toBe(false);
    expect(parse(firehose, 'compression', 'lz4').ok).toBe(false);
  });

  it('rejects time_key with log_key', () => {
    const base = { region: 'eu-west-1', delivery_stream: 'logs' };
    expect(runCheck(firehose, { ...base, time_key: 'time' })).toEqual([]);
    expect(runCheck(firehose, { ...base, log_key: 'log' })).toEqual([]);
    expect(runCheck(firehose, { ...base, time_key: 'time', log_key: 'log' })).toEqual([
      expect.objectContaining({ code: 'conflicting-keys' }),
    ]);
  });
});

describe('kinesis_streams', () => {
  const o = kinesisStreams.options;

  it('has Fluent Bit defaults and no partition_key (Fluent Bit picks random keys)', () => {
    expect(o.region.required).toBe(true);
    expect(o.stream.required).toBe(true);
    expect(o.time_key_format.defaultValue).toBe('%Y-%m-%dT%H:%M:%S');
    expect(o.auto_retry_requests.defaultValue).toBe(true);
    expect(o.simple_aggregation.defaultValue).toBe(false);
    expect(o.workers.defaultValue).toBe(1);
    expect((o as Record<string, unknown>)['partition_key']).toBeUndefined();
    expect(parse(kinesisStreams, 'compression', 'GZIP').ok).toBe(false);
  });

  it('rejects time_key with log_key', () => {
    const base = { region: 'eu-west-1', stream: 'logs' };
    expect(runCheck(kinesisStreams, { ...base, time_key: 'time', log_key: 'log' })).toEqual([expect.objectContaining({ code: 'conflicting-keys' })]);
  });
});

describe('kinesis (AWS Go plugin)', () => {
  const o = kinesisGo.options;

  it('has the Go plugin options, reading flags and counts as it does', () => {
    for (const key of ['region', 'stream', 'partition_key', 'data_keys', 'log_key', 'role_arn', 'endpoint', 'sts_endpoint', 'append_newline', 'time_key', 'time_key_format', 'experimental_concurrency', 'experimental_concurrency_retries', 'aggregation', 'compression', 'replace_dots', 'http_request_timeout']) {
      expect((o as Record<string, unknown>)[key], key).toBeDefined();
    }
    expect(o.append_newline.defaultValue).toBe(false);
    expect(parse(kinesisGo, 'append_newline', 'TRUE')).toEqual({ ok: true, value: true });
    expect(parse(kinesisGo, 'append_newline', 'On')).toMatchObject({ ok: true, value: false, warning: expect.stringContaining("only 'true'") });
    expect(parse(kinesisGo, 'compression', 'ZLIB')).toEqual({ ok: true, value: 'zlib' });
    expect(parse(kinesisGo, 'compression', 'none')).toEqual({ ok: true, value: undefined });
    expect(parse(kinesisGo, 'compression', 'zstd').ok).toBe(false);
    expect(parse(kinesisGo, 'http_request_timeout', '-1').ok).toBe(false);
    expect(o.aggregation.unsupported).toBeDefined();
    expect(o.experimental_concurrency.unsupported).toBeDefined();
  });

  it('reads Go flags like getBoolParam (true/false in any case, else the default)', () => {
    expect(parse(cloudwatchGo, 'auto_create_stream', 'FALSE')).toEqual({ ok: true, value: false });
    expect(parse(cloudwatchGo, 'auto_create_stream', 'On')).toMatchObject({ ok: true, value: true, warning: expect.any(String) });
    expect(cloudwatchGo.options.log_group_name.required).toBe(true);
    expect(firehoseGo.options.delivery_stream.required).toBe(true);
    expect(firehoseGo.create).toBeUndefined();
    expect(cloudwatchGo.create).toBeUndefined();
    const base = { region: 'eu-west-1', log_group_name: 'g' };
    expect(runCheck(cloudwatchGo, { ...base, log_stream_prefix: 'p-' })).toEqual([]);
    expect(runCheck(cloudwatchGo, base)).toEqual([expect.objectContaining({ code: 'conflicting-keys' })]);
    expect(runCheck(cloudwatchGo, { ...base, log_stream_prefix: 'p-', log_stream_name: 's' })).toEqual([expect.objectContaining({ code: 'conflicting-keys' })]);
  });

  it("refuses partition_key log as the Go plugin does", () => {
    expect(runCheck(kinesisGo, { region: 'eu-west-1', stream: 's', partition_key: 'log' })).toEqual([expect.objectContaining({ code: 'invalid-value' })]);
  });
});

describe('stdout, null and lib outputs', () => {
  it('accept the formats Fluent Bit recognises', () => {
    for (const f of ['msgpack', 'json', 'json_lines', 'json_stream', 'otlp_json', 'otlp_json_pretty']) {
      expect(parse(stdout, 'format', f).ok).toBe(true);
    }
    expect(parse(stdout, 'format', 'JSON_Lines')).toEqual({ ok: true, value: 'json_lines' });
    expect(parse(stdout, 'format', 'yaml').ok).toBe(false);
    expect(parse(nullOutput, 'format', 'json').ok).toBe(true);
    expect(parse(nullOutput, 'format', 'otlp_json').ok).toBe(false);
    expect(parse(stdout, 'json_date_format', 'iso8601')).toEqual({ ok: true, value: 'iso8601' });
    expect(parse(stdout, 'json_date_format', 'epoch_millis').ok).toBe(true);
    expect(parse(stdout, 'json_date_format', 'rfc3339').ok).toBe(false);
    expect(parse(libOutput, 'data_mode', 'chunk')).toEqual({ ok: true, value: 'chunk' });
    expect(parse(libOutput, 'data_mode', 'batch').ok).toBe(false);
  });

  it('have Fluent Bit defaults', () => {
    expect(stdout.options.json_date_key.defaultValue).toBe('date');
    expect(stdout.options.workers.defaultValue).toBe(1);
    expect(nullOutput.options.json_date_key.defaultValue).toBe('date');
    expect(nullOutput.options.workers.defaultValue).toBe(1);
    expect(libOutput.options.data_mode.defaultValue).toBe('single_record');
    expect(libOutput.options.workers.defaultValue).toBeUndefined();
  });
});

describe('file', () => {
  const o = file.options;

  it('has Fluent Bit defaults', () => {
    expect(o.template.defaultValue).toBe('{time} {message}');
    expect(o.rotate_max_size.defaultValue).toBe(100_000_000);
    expect(o.rotate_max_files.defaultValue).toBe(7);
    expect(o.rotate_gzip.defaultValue).toBe(true);
    expect(o.max_dynamic_files.defaultValue).toBe(1024);
    expect(o.on_missing_field.defaultValue).toBe('error');
    expect(o.mkdir.defaultValue).toBe(false);
  });

  it('parses format and limits', () => {
    for (const f of ['out_file', 'plain', 'csv', 'ltsv', 'msgpack', 'template']) expect(parse(file, 'format', f).ok).toBe(true);
    expect(parse(file, 'format', 'json').ok).toBe(false);
    expect(parse(file, 'max_dynamic_files', '-1').ok).toBe(false);
    expect(parse(file, 'on_limit_reached', 'panic').ok).toBe(false);
  });

  it('checks what cb_init rejects', () => {
    expect(runCheck(file, { path: '/tmp/out', file: 'x.log' })).toEqual([]);
    expect(runCheck(file, { on_missing_field: 'fallback' })).toEqual([expect.objectContaining({ code: 'missing-required', key: 'on_missing_field' })]);
    expect(runCheck(file, { path: "$kubernetes['namespace_name']", fallback_file: 'other' })).toEqual([
      expect.objectContaining({ code: 'invalid-value', key: 'path' }),
    ]);
    expect(runCheck(file, { path: "/out/$kubernetes['namespace_name']" })).toEqual([expect.objectContaining({ code: 'missing-required', key: 'path' })]);
    expect(runCheck(file, { path: "/out/$kubernetes['namespace_name']", fallback_file: 'other.log' })).toEqual([]);
    expect(runCheck(file, { file: 'app-%Y%m%d.log' })).toEqual([]);
    expect(runCheck(file, { file: 'app-%Y%m%d.log', enable_strftime: 'on' })).toEqual([expect.objectContaining({ code: 'missing-required', key: 'file' })]);
    expect(runCheck(file, { rotate: 'on', rotate_max_size: '0' })).toEqual([expect.objectContaining({ code: 'invalid-value', key: 'rotate_max_size' })]);
    expect(runCheck(file, { rotate: 'on', rotate_max_files: '0' })).toEqual([expect.objectContaining({ code: 'invalid-value', key: 'rotate_max_files' })]);
    expect(runCheck(file, { rotate: 'off', rotate_max_files: '0' })).toEqual([]);
    expect(runCheck(file, { format: 'csv', delimiter: 'tab' })).toEqual([]);
    expect(runCheck(file, { format: 'csv', delimiter: ';' })).toEqual([expect.objectContaining({ key: 'delimiter', severity: 'warning' })]);
  });
});

describe('es and opensearch', () => {
  it('have Fluent Bit defaults (es.h, opensearch.h)', () => {
    for (const def of [es, opensearch]) {
      const o = def.options;
      expect(o.host.defaultValue).toBe('127.0.0.1');
      expect(o.port.defaultValue).toBe(9200);
      expect(o.index.defaultValue).toBe('fluent-bit');
      expect(o.type.defaultValue).toBe('_doc');
      expect(o.logstash_prefix.defaultValue).toBe('logstash');
      expect(o.logstash_dateformat.defaultValue).toBe('%Y.%m.%d');
      expect(o.time_key.defaultValue).toBe('@timestamp');
      expect(o.time_key_format.defaultValue).toBe('%Y-%m-%dT%H:%M:%S');
      expect(o.tag_key.defaultValue).toBe('flb-key');
      expect(o.buffer_size.defaultValue).toBe(512_000);
      expect(o.write_operation.defaultValue).toBe('create');
      expect(o.aws_service_name.defaultValue).toBe('es');
    }
    expect(es.options.workers.defaultValue).toBe(2);
    expect(opensearch.options.aws_profile.defaultValue).toBe('default');
    expect(es.options.aws_profile.defaultValue).toBeUndefined();
    expect(es.options.cloud_id.unsupported).toBeDefined();
    expect(opensearch.options).not.toHaveProperty('cloud_id');
  });

  it('reads AWS_Auth as Fluent Bit does: only values starting with On sign', () => {
    expect(parse(es, 'aws_auth', 'On')).toEqual({ ok: true, value: true });
    expect(parse(es, 'aws_auth', 'off')).toEqual({ ok: true, value: false });
    expect(parse(es, 'aws_auth', 'true')).toEqual(expect.objectContaining({ ok: true, value: false, warning: expect.stringContaining("starts with 'On'") }));
    expect(parse(es, 'aws_auth', 'maybe').ok).toBe(false);
  });

  it('checks update/upsert ids, the region for AWS_Auth and compress', () => {
    expect(errors(runCheck(es, { write_operation: 'upsert' }))).toEqual([expect.objectContaining({ code: 'conflicting-keys', key: 'write_operation' })]);
    expect(errors(runCheck(es, { write_operation: 'update', id_key: 'id' }))).toEqual([]);
    expect(errors(runCheck(opensearch, { write_operation: 'update', generate_id: 'on' }))).toEqual([]);
    expect(runCheck(es, { id_key: 'id', generate_id: 'on' })).toEqual([expect.objectContaining({ key: 'generate_id', severity: 'warning' })]);
    expect(errors(runCheck(es, { aws_auth: 'On' }))).toEqual([expect.objectContaining({ code: 'missing-required', key: 'aws_auth' })]);
    expect(runCheck(es, { compress: 'zstd' })).toEqual([expect.objectContaining({ key: 'compress', severity: 'warning' })]);
  });

  it('answer to the elasticsearch alias', () => {
    expect(findPlugin('output', 'Elasticsearch')).toBe(es);
  });
});

describe('UNSUPPORTED_PLUGINS', () => {
  it('never lists a plugin logferry implements', () => {
    for (const kind of ['input', 'filter', 'output'] as const) {
      for (const name of IMPLEMENTED[kind]) expect(UNSUPPORTED_PLUGINS[kind], `${kind} ${name}`).not.toHaveProperty(name);
    }
    for (const def of DEFINITIONS) expect(UNSUPPORTED_PLUGINS[def.kind]).not.toHaveProperty(def.name);
  });

  it('uses lowercase registered names with one-line descriptions', () => {
    for (const table of Object.values(UNSUPPORTED_PLUGINS)) {
      for (const [name, description] of Object.entries(table)) {
        expect(name).toBe(name.toLowerCase());
        expect(name).not.toMatch(/^(in|out|filter)_(?!zig_demo$)/);
        expect(description.length).toBeGreaterThan(0);
        expect(description).not.toContain('\n');
      }
    }
  });

  it('uses the names Fluent Bit registers, not folder names', () => {
    expect(UNSUPPORTED_PLUGINS.input).toHaveProperty('event_tracing_windows');
    expect(UNSUPPORTED_PLUGINS.input).not.toHaveProperty('etw');
    expect(UNSUPPORTED_PLUGINS.input).toHaveProperty('nginx_metrics');
    expect(UNSUPPORTED_PLUGINS.output).toHaveProperty('kafka-rest');
    expect(UNSUPPORTED_PLUGINS.output).not.toHaveProperty('kafka_rest');
  });

  it('knows common plugins and the AWS for Fluent Bit Go outputs', () => {
    for (const name of ['syslog', 'disk', 'netif', 'fluentbit_metrics']) {
      expect(UNSUPPORTED_PLUGINS.input).toHaveProperty(name);
    }
    for (const name of ['loki', 'splunk', 'datadog']) {
      expect(UNSUPPORTED_PLUGINS.output).toHaveProperty(name);
    }
    for (const name of ['ecs', 'stdout', 'throttle_size']) expect(UNSUPPORTED_PLUGINS.filter).toHaveProperty(name);
  });
});
