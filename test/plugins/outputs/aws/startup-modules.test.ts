import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '../../../support/loaded-modules.js';

describe('the AWS data-plane client at start', () => {
  it('loading it and making a client loads no undici (an ESM import of node:http would, 60-110 ms of CPU per agent start)', () => {
    const script =
      "const { AwsJsonClient, FIREHOSE_SERVICE } = await import('./src/plugins/outputs/shared/aws-json-client.ts');" +
      'const c = new AwsJsonClient({ region: "us-east-1", credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b" }), maxAttempts: 1, requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 } }, FIREHOSE_SERVICE, { config: {} });' +
      'c.destroy();';
    expect(modulesLoadedBy(script, /undici/)).toEqual([]);
  });
});
