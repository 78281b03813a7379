import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../../src/index.js';

describe('net.* keys on the AWS outputs', () => {
  it.each(['cloudwatch_logs', 'kinesis_firehose', 'kinesis_streams', 'cloudwatch', 'firehose', 'kinesis'])(
    '%s: the ones it acts on pass, the others warn (unsupported-key) instead of being ignored',
    (name) => {
      const text = `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name ${name}\n    Match *\n    region us-east-1\n    net.connect_timeout 5\n    net.io_timeout 30\n    net.keepalive off\n    net.source_address 127.0.0.1\n    net.max_worker_connections 4\n    net.dns.mode TCP\n    net.tcp_keepalive on\n    net.proxy_env_ignore on\n`;
      const warned = validateConfig({ text })
        .filter((d) => d.code === 'unsupported-key')
        .map((d) => d.message.split("'")[1]);
      expect(warned).toEqual(['net.dns.mode', 'net.tcp_keepalive', 'net.proxy_env_ignore']);
    },
  );
});

describe('net.* keys on the other network outputs', () => {
  const warned = (name: string, keys: string[]) => {
    const text = `[INPUT]\n    Name dummy\n[OUTPUT]\n    Name ${name}\n    Match *\n${keys.map((k) => `    ${k} ${k.endsWith('timeout') ? '5' : k === 'net.source_address' ? '127.0.0.1' : k === 'net.max_worker_connections' ? '2' : 'off'}\n`).join('')}`;
    return validateConfig({ text })
      .filter((d) => d.code === 'unsupported-key')
      .map((d) => d.message.split("'")[1]);
  };
  const keys = ['net.connect_timeout', 'net.io_timeout', 'net.keepalive', 'net.source_address', 'net.max_worker_connections', 'net.tcp_keepalive'];

  it.each(['es', 'opensearch'])('%s acts on net.io_timeout and net.keepalive and warns for the rest', (name) => {
    expect(warned(name, keys)).toEqual(['net.connect_timeout', 'net.source_address', 'net.max_worker_connections', 'net.tcp_keepalive']);
  });

  it('http acts on none of them (http.response_timeout bounds a request) and warns for each', () => {
    expect(warned('http', keys)).toEqual(keys);
  });
});
