import { describe, expect, it } from 'vitest';
import { validateClassic } from '../../../../src/config/validate.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { useAwsLocal } from '../aws/use-aws-local.js';

const local = useAwsLocal(11);

const CPU_KEYS = /^(cpu_p|user_p|system_p|cpu\d+\.p_(cpu|user|system))$/;
const MEM_KEYS = ['Mem.total', 'Mem.used', 'Mem.free', 'Swap.total', 'Swap.used', 'Swap.free'];

function output(extra: string): string {
  return `[OUTPUT]\n    Name cloudwatch_logs\n    region us-east-1\n    endpoint ${local.aws.endpoint}\n    auto_create_group on\n${extra}\n`;
}

describe('cloudwatch_logs sends cpu and mem records as EMF (local endpoint)', () => {
  it('cpu and mem records become EMF events with metric_namespace, metric_dimensions and json/emf; lib records stay JSON logs', async () => {
    const config =
      '[SERVICE]\n    Flush 0.05\n    Grace 5\n    Log_Level warn\n\n' +
      '[INPUT]\n    Name cpu\n    Tag m.cpu\n    Interval_Sec 0\n    Interval_NSec 200000000\n\n' +
      '[INPUT]\n    Name mem\n    Tag m.mem\n    Interval_Sec 0\n\n' +
      '[INPUT]\n    Name lib\n    Tag app\n\n' +
      output('    Match *\n    log_group_name g-emf\n    log_stream_prefix s-\n    log_format json/emf\n    metric_namespace host/metrics\n    metric_dimensions hostname;hostname,az') +
      output('    Match m.cpu\n    log_group_name g-emf-default\n    log_stream_name cpu');
    const run = capture(planFrom(config));
    await run.pipeline.start();
    run.pipeline.push([{ log: 'hello', cpu_p: 1 }]);
    const store = local.aws.store;
    const has = (group: string, stream: string) => store.logStreams(group).includes(stream) && store.logEvents(group, stream).length >= 2;
    for (let i = 0; i < 200 && !(has('g-emf', 's-m.cpu') && has('g-emf', 's-m.mem') && has('g-emf-default', 'cpu')); i++) await new Promise((r) => setTimeout(r, 50));
    await run.pipeline.stop();

    const cpu = store.logEvents('g-emf', 's-m.cpu');
    expect(cpu.length).toBeGreaterThanOrEqual(2);
    for (const e of cpu) {
      const msg = JSON.parse(e.message);
      const [first, ...keys] = Object.keys(msg);
      expect(first).toBe('_aws');
      expect(keys.length).toBeGreaterThanOrEqual(6);
      for (const k of keys) expect(k).toMatch(CPU_KEYS);
      expect(msg._aws).toEqual({
        Timestamp: Math.floor(e.timestamp / 1000) * 1000,
        CloudWatchMetrics: [
          {
            Namespace: 'host/metrics',
            Dimensions: [['hostname'], ['hostname', 'az']],
            Metrics: ['cpu_p', 'user_p', 'system_p'].map((Name) => ({ Name, Unit: 'Percent' })),
          },
        ],
      });
      // Doubles as Fluent Bit prints them: a whole percentage keeps its ".0".
      expect(e.message).toMatch(/"cpu_p":\d+\.\d+[,}]/);
    }

    const mem = store.logEvents('g-emf', 's-m.mem');
    expect(mem.length).toBeGreaterThanOrEqual(1);
    const m = JSON.parse(mem[0]!.message);
    expect(Object.keys(m)).toEqual(['_aws', ...MEM_KEYS]);
    expect(m._aws.CloudWatchMetrics[0].Metrics).toEqual(MEM_KEYS.map((Name) => ({ Name, Unit: 'Bytes' })));
    expect(m['Mem.used'] + m['Mem.free']).toBe(m['Mem.total']);

    // A record of another input is a log event, even with a key EMF would take.
    expect(store.logEvents('g-emf', 's-app').map((e) => e.message)).toEqual(['{"log":"hello","cpu_p":1}']);

    // Fluent Bit converts cpu records whatever metric_namespace says: the default namespace, no dimensions.
    const plain = JSON.parse(store.logEvents('g-emf-default', 'cpu')[0]!.message);
    expect(plain._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'fluent-bit-metrics', Dimensions: [] });

    // The first output announces json/emf (log_format), the second sends no such header.
    const formats = store.calls('PutLogEvents').map((c) => c.headers['x-amzn-logs-format']);
    expect(formats).toContain('json/emf');
    expect(formats).toContain(undefined);
  }, 30_000);

  it('log_key wins over EMF: the value of that key is sent (Fluent Bit checks log_key first)', async () => {
    const config =
      '[SERVICE]\n    Flush 0.05\n    Grace 5\n    Log_Level error\n\n' +
      '[INPUT]\n    Name cpu\n    Tag m.cpu\n    Interval_Sec 0\n    Interval_NSec 100000000\n\n' +
      output('    Match *\n    log_group_name g-emf-key\n    log_stream_name s\n    log_key cpu_p');
    const run = capture(planFrom(config));
    await run.pipeline.start();
    for (let i = 0; i < 100 && local.aws.store.logEvents('g-emf-key', 's').length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    await run.pipeline.stop();
    const events = local.aws.store.logEvents('g-emf-key', 's');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.message).toMatch(/^\d+(\.\d+)?(e-?\d+)?$/);
  }, 30_000);
});

describe('cloudwatch_logs metric_namespace validation', () => {
  const check = (text: string) =>
    validateClassic(`${process.cwd()}/inline.conf`, { text, env: {} }).diagnostics.map((d) => `${d.line}:${d.severity}:${d.code}:${d.message}`);
  const out = (match: string, extra: string) =>
    `[OUTPUT]\n    Name cloudwatch_logs\n    Match ${match}\n    region us-east-1\n    log_group_name g\n    log_stream_prefix p-\n${extra}`;

  it('warns when no cpu or mem input is routed to the output (naming the inputs that are)', () => {
    const d = check(`[INPUT]\n    Name dummy\n    Tag app\n\n${out('*', '    metric_namespace ns\n    metric_dimensions a,b\n')}`);
    expect(d).toEqual([
      "11:warning:ineffective-option:metric_namespace only applies to records of cpu and mem inputs, and none is routed to this output; its records are sent as JSON logs",
      "12:warning:ineffective-option:metric_dimensions only applies to records of cpu and mem inputs, and none is routed to this output; its records are sent as JSON logs",
    ]);
  });

  it('says nothing when a cpu or mem input reaches the output, directly or with a wildcard Match', () => {
    expect(check(`[INPUT]\n    Name mem\n    Tag host.mem\n\n[INPUT]\n    Name dummy\n    Tag app\n\n${out('host.*', '    metric_namespace ns\n')}${out('app', '')}`)).toEqual([]);
    expect(check(`[INPUT]\n    Name cpu\n\n${out('cpu.*', '    metric_namespace ns\n')}`)).toEqual([]);
  });

  it('warns when the only cpu input goes elsewhere, and when log_key makes EMF impossible', () => {
    const d = check(`[INPUT]\n    Name cpu\n    Tag m.cpu\n\n[INPUT]\n    Name dummy\n    Tag app\n\n${out('app', '    metric_namespace ns\n')}${out('m.cpu', '    metric_namespace ns\n    log_key cpu_p\n')}`);
    expect(d.map((x) => x.split(':').slice(0, 3).join(':'))).toEqual(["15:warning:ineffective-option", "22:warning:ineffective-option"]);
    expect(d[1]).toContain('no effect with log_key');
  });
});
