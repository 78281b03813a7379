import { describe, expect, it } from 'vitest';
import { modulesLoadedBy, packageFilesLoadedBy } from '../../../support/loaded-modules.js';
import { useTempDir } from '../../../support/temp-dir.js';

describe('the AWS data-plane client at start', () => {
  it('loading it and making a client loads no undici (an ESM import of node:http would, 60-110 ms of CPU per agent start)', () => {
    const script =
      "const { AwsJsonClient, FIREHOSE_SERVICE } = await import('./src/plugins/outputs/shared/aws-json-client.ts');" +
      'const c = new AwsJsonClient({ region: "us-east-1", credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b" }), maxAttempts: 1, requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 } }, FIREHOSE_SERVICE, { config: {} });' +
      'c.destroy();';
    expect(modulesLoadedBy(script, /undici/)).toEqual([]);
  });
});

describe('a kinesis_firehose output at start', () => {
  const tmp = useTempDir('startup-modules-');
  const script = [
    "const { startAwsLocal } = await import('./src/aws-local/index.ts');",
    "const { capture, planFrom } = await import('./test/support/pipeline.ts');",
    'const aws = await startAwsLocal({});',
    "const c = capture(planFrom(`[SERVICE]\\n    Flush 0.05\\n\\n[INPUT]\\n    Name lib\\n    Tag app\\n\\n[OUTPUT]\\n    Name kinesis_firehose\\n    Match *\\n    region eu-west-1\\n    endpoint ${aws.endpoint}\\n    delivery_stream s\\n`));",
    'await c.pipeline.start();',
    'c.pipeline.push([{ a: 1 }]);',
    'await c.pipeline.stop();',
    'await aws.close();',
    "if (aws.store.firehoseRecords('s').length !== 1) throw new Error('the record was not delivered');",
  ].join('\n');
  const environment = { AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };

  it("delivers without loading the AWS SDK when the endpoint and the credentials need none of it (its client and credential chain: ~150 ms of CPU)", () => {
    expect(packageFilesLoadedBy(script, /@aws-sdk|@smithy/, environment)).toEqual([]);
  });

  it('loads the SDK where the credentials need it (here a profile named by AWS_PROFILE, whose keys come from the credentials file)', () => {
    const credentials = tmp.write('credentials', '[local]\naws_access_key_id = AKIDLOCAL\naws_secret_access_key = local\n');
    const files = packageFilesLoadedBy(script, /@aws-sdk\/credential-provider-ini/, { ...environment, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'local', AWS_SHARED_CREDENTIALS_FILE: credentials });
    expect(files.length).toBeGreaterThan(0);
  });
});
