import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
// Node 22+ builds the ESM facade of node:http with lazy getters that load undici; Node 20 has
// none, so there the test holds either way. LOGFERRY_TEST_NODE runs it on another Node (CI's 24).
const NODE = process.env['LOGFERRY_TEST_NODE'] ?? process.execPath;

describe('the AWS data-plane client at start', () => {
  it('loading it and making a client loads no undici (an ESM import of node:http would, 60-110 ms of CPU per agent start)', () => {
    const script =
      "const { AwsJsonClient, FIREHOSE_SERVICE } = await import('./src/plugins/outputs/shared/aws-json-client.ts');" +
      'const c = new AwsJsonClient({ region: "us-east-1", credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b" }), maxAttempts: 1, requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 } }, FIREHOSE_SERVICE, { config: {} });' +
      'c.destroy();' +
      "console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici/.test(m))));";
    const out = execFileSync(NODE, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop() ?? 'null')).toEqual([]);
  });
});
