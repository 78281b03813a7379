import { describe, expect, it } from 'vitest';
import { goStrftime, partitionKeyOf } from '../../../../src/plugins/outputs/kinesis/go-records.js';
import { goJson } from '../../../../src/plugins/outputs/kinesis/go-json.js';
import { endpointUrl } from '../../../../src/plugins/outputs/shared/aws-client.js';

describe('kinesis (Go plugin) record pieces', () => {
  it('goJson sorts keys at every depth and escapes HTML characters as Go does', () => {
    expect(goJson({ b: [{ z: 1, a: '<x>' }], a: 'A&B', c: 12n, d: null, e: 1.5 })).toBe('{"a":"A\\u0026B","b":[{"a":"\\u003cx\\u003e","z":1}],"c":12,"d":null,"e":1.5}');
    expect(goJson('line\u2028sep')).toBe('"line\\u2028sep"');
  });

  it('goStrftime: %L milliseconds, %f microseconds, %% kept, the rest as strftime', () => {
    const t = 1_700_000_000_012_345_678n;
    expect(goStrftime('%Y-%m-%dT%H:%M:%S.%L %f %%L', t)).toBe('2023-11-14T22:13:20.012 012345 %L');
  });

  it('partitionKeyOf walks a->b into maps; a missing, empty or non-string value has no key; long keys are cut to 256', () => {
    const r = { kubernetes: { pod_name: 'web-1', labels: { app: 'x' } }, id: 'k'.repeat(300), n: 5, empty: '' };
    expect(partitionKeyOf(r, ['kubernetes', 'pod_name'])).toBe('web-1');
    expect(partitionKeyOf(r, ['kubernetes', 'missing'])).toBeUndefined();
    expect(partitionKeyOf(r, ['id'])).toHaveLength(256);
    expect(partitionKeyOf(r, ['n'])).toBeUndefined();
    expect(partitionKeyOf(r, ['empty'])).toBeUndefined();
    expect(partitionKeyOf(r, ['id', 'x'])).toBeUndefined();
  });
});

describe('endpoint and Port', () => {
  it('Port applies to a bare endpoint host, as Fluent Bit connects to endpoint:port', () => {
    expect(endpointUrl('kinesis.local', 4566)).toBe('https://kinesis.local:4566');
    expect(endpointUrl('https://kinesis.local', 4566)).toBe('https://kinesis.local');
    expect(endpointUrl('kinesis.local:443', 4566)).toBe('https://kinesis.local:443');
    expect(endpointUrl('kinesis.local', 0)).toBe('https://kinesis.local');
    expect(endpointUrl('kinesis.local')).toBe('https://kinesis.local');
  });
});
