import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/validate.js';

describe('AWS Go output plugins (kinesis, firehose, cloudwatch)', () => {
  it('warn about an unknown key, as Fluent Bit passes every key to a Go plugin and starts; a C plugin refuses it', () => {
    const conf = (name: string, keys: string) => `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name ${name}\n    Match *\n${keys}    made_up_key 1\n`;
    const severities = (text: string) =>
      validateConfig(`${process.cwd()}/go.conf`, { text, env: { HOSTNAME: 'h' } })
        .diagnostics.filter((d) => d.code === 'unknown-key')
        .map((d) => d.severity);
    expect(severities(conf('kinesis', '    region us-east-1\n    stream s\n'))).toEqual(['warning']);
    expect(severities(conf('firehose', '    region us-east-1\n    delivery_stream s\n'))).toEqual(['warning']);
    expect(severities(conf('cloudwatch', '    region us-east-1\n    log_group_name g\n    log_stream_prefix p\n'))).toEqual(['warning']);
    expect(severities(conf('kinesis_streams', '    region us-east-1\n    stream s\n'))).toEqual(['error']);
  });
});
