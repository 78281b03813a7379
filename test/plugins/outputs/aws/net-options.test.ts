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
