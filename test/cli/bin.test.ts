/**
 * bin/logferry.js, the package's command, as a user's shell starts it: a copy next to a stand-in
 * dist/cli/main.js (the build output is not in the repository) that creates a real AWS SDK client,
 * the way every AWS output does at start.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

describe('bin/logferry.js', () => {
  const dir = useTempDir('logferry-bin-');

  it('leaves the AWS SDK’s Node.js version warning on: shown on Node 20, never on 22+', () => {
    mkdirSync(join(dir.path, 'bin'));
    copyFileSync(join(REPO_ROOT, 'bin', 'logferry.js'), join(dir.path, 'bin', 'logferry.js'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir.path, 'node_modules'), 'dir');
    dir.write(
      'dist/cli/main.js',
      [
        "import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';",
        'export async function main() {',
        "  new CloudWatchLogsClient({ region: 'us-east-1' });",
        '  return 0;',
        '}',
      ].join('\n'),
    );
    const env = { ...process.env };
    delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    delete env['NODE_NO_WARNINGS'];
    const run = spawnSync(process.execPath, [join(dir.path, 'bin', 'logferry.js')], { env, encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr.includes('NodeVersionSupportWarning'), run.stderr).toBe(NODE_MAJOR < 22);
  });
});
