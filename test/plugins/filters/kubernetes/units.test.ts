import { describe, expect, it } from 'vitest';
import { nowNanos } from '../../../../src/record/event.js';
import { mergeLog, trimValue } from '../../../../src/plugins/filters/kubernetes/merge-log.js';
import type { RecordParser } from '../../../../src/parsers/runtime/index.js';
import { TtlCache } from '../../../../src/plugins/filters/kubernetes/meta-cache.js';
import { podProps, streamSetting } from '../../../../src/plugins/filters/kubernetes/pod-meta.js';
import { KubeTagParser } from '../../../../src/plugins/filters/kubernetes/tag-parser.js';

const ID = '0123456789abcdef'.repeat(4);
const PREFIX = 'kube.var.log.containers.';

describe('KubeTagParser', () => {
  const parser = new KubeTagParser(PREFIX, undefined);

  it('reads pod (dots allowed), namespace, container (greedy up to the last -<id>) and id', () => {
    expect(parser.parse(`${PREFIX}web.v2-1_prod_side-car-x-${ID}.log`)).toEqual({
      ok: true,
      info: { podName: 'web.v2-1', namespace: 'prod', container: 'side-car-x', dockerId: ID, containerHash: undefined },
    });
  });

  it('cuts the prefix by length without checking it (a wrong prefix may still match, as in Fluent Bit)', () => {
    const short = new KubeTagParser('kube.', undefined);
    const r = short.parse(`kube.var.log.containers.web_prod_app-${ID}.log`);
    expect(r.ok && r.info.podName).toBe('var.log.containers.web');
    expect(parser.parse(`other.var.log.containers.web_prod_app-${ID}.log`)).toMatchObject({ ok: true, info: { podName: 'web' } });
  });

  it('fails on tags too short or without the pattern', () => {
    expect(parser.parse(`${PREFIX}x`)).toMatchObject({ ok: false, reason: expect.stringMatching(/too short/) });
    expect(parser.parse(`${PREFIX}web_prod_app-${ID.slice(1)}.log`)).toMatchObject({ ok: false, reason: expect.stringMatching(/invalid pattern/) });
  });
});

describe('trimValue (Merge_Log_Trim)', () => {
  it('strips trailing newlines and literal \\n / \\r escapes, not a raw \\r', () => {
    expect(trimValue('a\n\n')).toBe('a');
    expect(trimValue('a\\n\\r\n')).toBe('a');
    expect(trimValue('a\r')).toBe('a\r');
    expect(trimValue('a\\t')).toBe('a\\t');
    expect(trimValue('')).toBe('');
    // value_trim_size never looks at index 0 alone: a value of only newlines keeps its first one
    expect(trimValue('\n')).toBe('\n');
    expect(trimValue('\n\n\n')).toBe('\n');
    expect(trimValue('\\n')).toBe('');
  });
});

describe('mergeLog', () => {
  const o = { key: 'log_processed', trim: true, keepLog: false };
  it('trims the string values of a parsed log, not those of a log that is already a map (MERGE_MAP)', () => {
    expect(mergeLog({ time: 1n, record: { log: '{"a":"x\\n"}', s: 1 } }, undefined, o)).toEqual({ s: 1, log_processed: { a: 'x' } });
    expect(mergeLog({ time: 1n, record: { log: { a: 'x\n' }, s: 1 } }, undefined, o)).toEqual({ s: 1, log_processed: { a: 'x\n' } });
  });

  it("a parser's time becomes the record time; a parser that finds none stamps the time of merging (merge_log_handler)", () => {
    // a stub parser: `when` is the time it finds, or none (then it answers with `now`, as parsers do)
    const parser = (when?: bigint): RecordParser => ({
      name: 'stub',
      format: 'regex',
      parse: (text, now) => ({ record: { msg: text }, time: when ?? now }),
      parseRecord: () => undefined,
      time: 0n,
    });
    const timed = { time: 5n, record: { log: 'hello' } };
    expect(mergeLog(timed, parser(7n), { ...o, key: undefined, keepLog: true })).toEqual({ log: 'hello', msg: 'hello' });
    expect(timed.time).toBe(7n);
    const untimed = { time: 5n, record: { log: 'hello' } };
    const before = nowNanos();
    mergeLog(untimed, parser(), o);
    expect(untimed.time >= before && untimed.time <= nowNanos()).toBe(true);
    // JSON (no parser) keeps the record's time
    const json = { time: 5n, record: { log: '{"a":1}' } };
    mergeLog(json, undefined, o);
    expect(json.time).toBe(5n);
  });
});

describe('podProps (fluentbit.io annotations)', () => {
  const pod = (annotations: Record<string, string>) => ({ metadata: { annotations } });
  const allow = { allowParser: true, allowExclude: true, notAllowed: () => undefined };

  it('container-specific annotations win over generic ones whatever their order; the suffix is a prefix of the container name', () => {
    const p = pod({ 'fluentbit.io/parser-app': 'specific', 'fluentbit.io/parser': 'generic', 'fluentbit.io/exclude_stderr': 'On' });
    expect(podProps(p, 'app2', allow)).toEqual({ stdout: { parser: 'specific', exclude: undefined }, stderr: { parser: 'specific', exclude: true } });
    expect(podProps(p, 'web', allow)).toEqual({ stdout: { parser: 'generic', exclude: undefined }, stderr: { parser: 'generic', exclude: true } });
  });

  it('exclude annotations: container-specific per stream, generic per stream or both (Fluent Bit runtime test vectors)', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'fluentbit.io/exclude-c1': 'true', 'fluentbit.io/exclude_stdout-c2': 'true', 'fluentbit.io/exclude_stderr-c3': 'true' }, 'xx x- -x --'],
      [{ 'fluentbit.io/exclude': 'true', 'fluentbit.io/exclude_stderr-c2': 'false', 'fluentbit.io/exclude_stdout-c3': 'false', 'fluentbit.io/exclude-c4': 'false' }, 'xx x- -x --'],
      [
        { 'fluentbit.io/exclude_stdout': 'true', 'fluentbit.io/exclude_stderr-c1': 'true', 'fluentbit.io/exclude_stdout-c3': 'false', 'fluentbit.io/exclude_stderr-c3': 'true', 'fluentbit.io/exclude_stdout-c4': 'false' },
        'xx x- -x --',
      ],
      [
        { 'fluentbit.io/exclude_stderr': 'true', 'fluentbit.io/exclude_stdout-c1': 'true', 'fluentbit.io/exclude_stdout-c2': 'true', 'fluentbit.io/exclude_stderr-c2': 'false', 'fluentbit.io/exclude_stderr-c4': 'false' },
        'xx x- -x --',
      ],
    ];
    for (const [annotations, expected] of cases) {
      const got = ['c1', 'c2', 'c3', 'c4']
        .map((c) => podProps(pod(annotations), c, allow))
        .map((p) => `${p.stdout.exclude === true ? 'x' : '-'}${p.stderr.exclude === true ? 'x' : '-'}`)
        .join(' ');
      expect(got, JSON.stringify(annotations)).toBe(expected);
    }
  });

  it('a record without stream uses a setting only when both streams agree', () => {
    const props = podProps(pod({ 'fluentbit.io/parser_stdout': 'a', 'fluentbit.io/exclude': 'yes' }), 'c', allow);
    expect(streamSetting(props, undefined, 'parser')).toBeUndefined();
    expect(streamSetting(props, undefined, 'exclude')).toBe(true);
    expect(streamSetting(props, 'stdout', 'parser')).toBe('a');
  });

  it('reports annotations that K8S-Logging.Parser / Exclude do not allow', () => {
    const seen: string[] = [];
    const props = podProps(pod({ 'fluentbit.io/exclude': 'true', 'fluentbit.io/parser': 'p' }), 'c', { allowParser: false, allowExclude: false, notAllowed: (a) => seen.push(a) });
    expect(seen).toEqual(['fluentbit.io/exclude', 'fluentbit.io/parser']);
    expect(props.stdout).toEqual({ parser: undefined, exclude: undefined });
  });
});

describe('TtlCache', () => {
  it('expires entries after the TTL (0 = never) and drops the oldest when full', () => {
    let now = 1000;
    const cache = new TtlCache<number>(2, 100, () => now);
    cache.set('a', 1);
    cache.set('b', 2, 0);
    now += 100;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    cache.set('c', 3);
    cache.set('d', 4);
    expect([cache.get('b'), cache.get('c'), cache.get('d'), cache.size]).toEqual([undefined, 3, 4, 2]);
  });
});
