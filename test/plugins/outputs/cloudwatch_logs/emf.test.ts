import { describe, expect, it } from 'vitest';
import { emfKind } from '../../../../src/plugins/outputs/cloudwatch_logs/emf-inputs.js';
import { emfMessage, parseDimensions, shouldAddToEmf } from '../../../../src/plugins/outputs/cloudwatch_logs/emf.js';

const T = 1_700_000_123_789_000_000n; // 1700000123.789 s

describe('cloudwatch_logs EMF events (cloudwatch_api.c pack_emf_payload)', () => {
  it('a cpu record: _aws first (Timestamp in whole seconds as ms, one directive), then every key; only cpu_p/user_p/system_p are metrics, in Percent', () => {
    const record = { cpu_p: 0, user_p: 12.5, system_p: 3, 'cpu0.p_cpu': 1, 'cpu0.p_user': 0.5, 'cpu0.p_system': 0.5 };
    const msg = emfMessage(record, T, 'cpu', { namespace: 'host-metrics', dimensions: parseDimensions('hostname,az;hostname') });
    expect(msg).toBe(
      '{"_aws":{"Timestamp":1700000123000,"CloudWatchMetrics":[{"Namespace":"host-metrics","Dimensions":[["hostname","az"],["hostname"]],' +
        '"Metrics":[{"Name":"cpu_p","Unit":"Percent"},{"Name":"user_p","Unit":"Percent"},{"Name":"system_p","Unit":"Percent"}]}]},' +
        '"cpu_p":0.0,"user_p":12.5,"system_p":3.0,"cpu0.p_cpu":1.0,"cpu0.p_user":0.5,"cpu0.p_system":0.5}',
    );
    expect(JSON.parse(msg)._aws.CloudWatchMetrics[0].Metrics).toHaveLength(3);
  });

  it('a mem record: six metrics in Bytes (the values stay in kB, as Fluent Bit sends them), other keys kept as values', () => {
    const record = { 'Mem.total': 1000, 'Mem.used': 400, 'Mem.free': 600, 'Swap.total': 0, 'Swap.used': 0, 'Swap.free': 0, proc_bytes: 4096, proc_hr: '4.00K', hostname: 'node-1' };
    const msg = JSON.parse(emfMessage(record, T, 'mem', { namespace: undefined, dimensions: [] }));
    expect(msg._aws).toEqual({
      Timestamp: 1700000123000,
      CloudWatchMetrics: [
        {
          Namespace: 'fluent-bit-metrics',
          Dimensions: [],
          Metrics: ['Mem.total', 'Mem.used', 'Mem.free', 'Swap.total', 'Swap.used', 'Swap.free'].map((Name) => ({ Name, Unit: 'Bytes' })),
        },
      ],
    });
    expect(Object.keys(msg)).toEqual(['_aws', ...Object.keys(record)]);
    expect(msg['Mem.total']).toBe(1000);
  });

  it('should_add_to_emf compares prefixes (strncmp): cpu_*, user_p*, system_p*, the six Mem./Swap. keys; not per-CPU keys', () => {
    for (const k of ['cpu_p', 'cpu_other', 'user_p', 'system_p', 'Mem.total', 'Mem.used', 'Mem.free', 'Swap.total', 'Swap.used', 'Swap.free', 'Mem.totalx']) expect(shouldAddToEmf(k), k).toBe(true);
    for (const k of ['cpu0.p_cpu', 'cpu', 'user', 'proc_bytes', 'mem.total', 'hostname']) expect(shouldAddToEmf(k), k).toBe(false);
  });

  it('metric_dimensions: sets at ";", names at "," (flb_utils_split: empty pieces skipped, spaces kept)', () => {
    expect(parseDimensions(undefined)).toEqual([]);
    expect(parseDimensions('a,b;c')).toEqual([['a', 'b'], ['c']]);
    expect(parseDimensions('a;;b,,c;')).toEqual([['a'], ['b', 'c']]);
    expect(parseDimensions(' a , b')).toEqual([[' a ', ' b']]);
  });

  it('which inputs: plugin names starting with cpu or mem (strncmp of 3 characters)', () => {
    expect(emfKind('cpu')).toBe('cpu');
    expect(emfKind('mem')).toBe('mem');
    for (const p of [undefined, 'tail', 'lib', 'emitter', 'storage_backlog', 'dummy']) expect(emfKind(p)).toBeUndefined();
  });
});
