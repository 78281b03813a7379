/**
 * A line nested thousands of levels deep (issue 16): through the real tail input and pipeline, on
 * each path that used to stop following the whole file (a stack overflow in a record walk): tail
 * `Parser json`, the `docker` multiline parser, the `parser` filter, and the Container Insights
 * path (`multiline.parser docker, cri` + kubernetes `Merge_Log` against the local API server).
 * Every other line is delivered, the deep one is delivered as a string (a JSON value nested deeper
 * than Fluent Bit's msgpack decoder takes does not parse, as in Fluent Bit), the DB offset passes
 * it, and lines appended afterwards are still read.
 */
import Database from 'better-sqlite3';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../../src/record/event.js';
import { createLogger } from '../../../../src/engine/logger.js';
import { Counters } from '../../../../src/engine/metrics.js';
import tail from '../../../../src/plugins/inputs/tail/index.js';
import { TailInput } from '../../../../src/plugins/inputs/tail/tail-input.js';
import { pluginArgs } from '../../../support/plugin-args.js';
import { planFrom } from '../../../support/pipeline.js';
import { KubeServer } from '../../filters/kubernetes/kube-server.js';
import { tailConfig, tailSession, waitFor } from './harness.js';

const DEPTH = 5000;
/** `{"deep":[[[...]]]}`: about 10 KB. */
const DEEP_JSON = `{"deep":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
const PARSERS = '[PARSER]\n    Name json\n    Format json\n';

const t = tailSession({ Read_from_Head: 'On' });

function storedOffset(db: string): number {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT offset FROM in_tail_files').get() as { offset: number }).offset;
  } finally {
    d.close();
  }
}

/** What every path must show: the ordinary lines, the deep one handled, the file still followed. */
async function expectFollowed(
  run: Awaited<ReturnType<typeof t.tail>>,
  file: string,
  appended: string,
  texts: () => unknown[],
  expected: unknown[],
): Promise<void> {
  await waitFor(() => texts().length >= expected.length, 10_000, 'the lines around the deep one');
  appendFileSync(file, appended);
  await waitFor(() => texts().length >= expected.length + 1, 10_000, 'a line appended after the deep one');
  expect(texts().slice(0, expected.length)).toEqual(expected);
  expect(run.counter('files_closed')).toBe(0);
  expect(run.logged('no longer followed')).toBe(0);
}

describe('tail: a line nested 5,000 deep does not stop its file', () => {
  it('Parser json: the deep line stays a raw string (it does not parse), the others are parsed, the DB offset passes it', async () => {
    writeFileSync(t.path('parsers.conf'), PARSERS);
    const file = t.path('a.log');
    const db = t.path('tail.db');
    writeFileSync(file, `{"n":1}\n${DEEP_JSON}\n{"n":2}\n`);
    const run = await t.tail({ Path: file, Parser: 'json', DB: db }, { service: `    Parsers_File ${t.path('parsers.conf')}\n` });
    const texts = () => run.records().map((r) => r['n'] ?? r['log']);
    await expectFollowed(run, file, '{"n":3}\n', texts, [1, DEEP_JSON, 2]);
    expect(texts()[3]).toBe(3);
    await run.stop();
    expect(storedOffset(db)).toBe(`{"n":1}\n${DEEP_JSON}\n{"n":2}\n{"n":3}\n`.length);
  });

  it('multiline.parser docker: the deep line is not a docker record and goes on as a raw line', async () => {
    const file = t.path('a.log');
    const docker = (log: string) => `${JSON.stringify({ log: `${log}\n`, stream: 'stdout', time: '2024-05-06T07:08:09.000000000Z' })}\n`;
    const deep = `${docker('deep').slice(0, -2)},"attrs":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
    writeFileSync(file, `${docker('one')}${deep}\n${docker('two')}`);
    const run = await t.tail({ Path: file, 'multiline.parser': 'docker' });
    await expectFollowed(run, file, docker('three'), () => run.lines(), ['one\n', deep, 'two\n']);
    expect(run.lines()[3]).toBe('three\n');
  });

  it('parser filter: the deep log is passed unchanged, the others are parsed', async () => {
    writeFileSync(t.path('parsers.conf'), PARSERS);
    const file = t.path('a.log');
    writeFileSync(file, `{"n":1}\n${DEEP_JSON}\n{"n":2}\n`);
    const run = await t.tail(
      { Path: file },
      {
        service: `    Parsers_File ${t.path('parsers.conf')}\n`,
        sections: '[FILTER]\n    Name parser\n    Match *\n    Key_Name log\n    Parser json\n',
      },
    );
    const texts = () => run.records().map((r) => r['n'] ?? r['log']);
    await expectFollowed(run, file, '{"n":3}\n', texts, [1, DEEP_JSON, 2]);
    expect(texts()[3]).toBe(3);
  });
});

describe('tail: Container Insights (docker, cri + kubernetes Merge_Log) with a 5,000-deep JSON log', () => {
  let server: KubeServer;
  let port = 0;
  beforeEach(async () => {
    server = new KubeServer(undefined);
    port = await server.listen();
  });
  afterEach(async () => {
    await server.close();
  });

  it('merges the ordinary JSON logs, keeps the deep one as its log string, and goes on reading', async () => {
    const dir = t.path('containers');
    mkdirSync(dir);
    const file = `${dir}/web-7d4b9c6f5-x2k8p_default_web-${'a'.repeat(64)}.log`;
    writeFileSync(t.path('token'), 'token-1\n');
    const docker = (log: string) => `${JSON.stringify({ log: `${log}\n`, stream: 'stdout', time: '2024-05-06T07:08:09.000000000Z' })}\n`;
    const cri = (log: string) => `2024-05-06T07:08:09.000000000Z stdout F ${log}\n`;
    writeFileSync(file, `${docker('{"n":1}')}${docker(DEEP_JSON)}${cri('{"n":2}')}${cri(DEEP_JSON)}${docker('{"n":3}')}`);
    const prefix = `application.${dir.slice(1).replaceAll('/', '.')}.`;
    const filter = [
      '[FILTER]',
      '    Name kubernetes',
      '    Match application.*',
      `    Kube_URL http://127.0.0.1:${port}`,
      `    Kube_Token_File ${t.path('token')}`,
      `    Kube_CA_File ${t.path('no-ca.pem')}`,
      `    Kube_Tag_Prefix ${prefix}`,
      '    Merge_Log On',
      '    Merge_Log_Key log_processed',
      '    Labels Off',
      '    Annotations Off',
      '',
    ].join('\n');
    const run = await t.tail({ Path: `${dir}/*.log`, Tag: 'application.*', 'multiline.parser': 'docker, cri', DB: t.path('tail.db') }, { sections: filter });
    const texts = () => run.records().map((r) => (r['log_processed'] as { n?: number } | undefined)?.n ?? r['log']);
    await expectFollowed(run, file, cri('{"n":4}'), texts, [1, `${DEEP_JSON}\n`, 2, DEEP_JSON, 3]);
    expect(texts()[5]).toBe(4);
    expect(run.records().every((r) => typeof r['kubernetes'] === 'object')).toBe(true);
  });
});

describe('tail: a record the engine throws on', () => {
  it('is dropped on its own (counted, logged); the rest of its block is delivered, the offset passes it, the file is still followed', async () => {
    const file = t.path('a.log');
    const db = t.path('tail.db');
    writeFileSync(file, 'one\npoison\ntwo\n');
    // The engine taking the batch: a stand-in that fails on one record, as a bug in it would.
    const taken: string[] = [];
    const counters = new Counters();
    const logs: string[] = [];
    const plan = planFrom(tailConfig({ Path: file, Read_from_Head: 'On', DB: db }));
    const { options, ctx } = pluginArgs(tail, plan.inputs[0], plan, { log: createLogger('info', (l) => logs.push(l), 'tail.0'), counters });
    const input = new TailInput(options, {
      ...ctx,
      tag: plan.inputs[0]!.options.tag ?? 'tail.0',
      emit: (_tag: string, events: LogEvent[], committed?: () => void) => {
        if (events.some((e) => e.record['log'] === 'poison')) throw new RangeError('Maximum call stack size exceeded');
        for (const e of events) taken.push(e.record['log'] as string);
        committed?.();
      },
      done: () => undefined,
    });
    await input.start();
    try {
      await waitFor(() => taken.length === 2, 5000, 'the lines around the poisoned one');
      appendFileSync(file, 'three\n');
      await waitFor(() => taken.length === 3, 5000, 'a line appended afterwards');
      expect(taken).toEqual(['one', 'two', 'three']);
      expect(counters.snapshot().dropped).toEqual({ 'the engine failed to take the record': 1 });
      expect(counters.get('files_closed')).toBe(0);
      expect(logs.filter((l) => l.includes('a record was dropped, the engine failed to take it'))).toHaveLength(1);
    } finally {
      await input.stop();
    }
    expect(storedOffset(db)).toBe('one\npoison\ntwo\nthree\n'.length);
  });
});
