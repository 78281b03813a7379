/**
 * The entry of the CLI's V8 start-up snapshot (built by scripts/build-snapshot.mjs into
 * dist/snapshot/logferry.blob). Node starting from the snapshot finds the configuration engine
 * loaded and its code compiled, so `logferry validate` takes about as long as Node's own start
 * instead of adding the loading and compiling of a megabyte of JavaScript to it.
 *
 * While the snapshot is built, the commands it serves are run once on AWS's Container Insights
 * configuration with their output thrown away, so that the functions they use are compiled into
 * the snapshot. The wrapper `bin/logferry` sends only validate, explain, convert, schema, version
 * and help here (its `case` lists them); everything that runs a pipeline (and loads the AWS SDK,
 * SQLite, worker threads) starts the usual way.
 */
import { startupSnapshot } from 'node:v8';
import type { CommandIo } from './io.js';
import { main } from './main.js';

function quietIo(cwd: string): CommandIo {
  return { stdout: () => {}, stderr: () => {}, env: { CLUSTER_NAME: 'snapshot', AWS_REGION: 'us-east-1', HOST_NAME: 'node', READ_FROM_HEAD: 'Off', HTTP_SERVER: 'On', HTTP_PORT: '2020' }, cwd };
}

/** Runs the CLI on argv after `skip` entries (node, and the script path when there is one). */
function run(skip: number): void {
  main(process.argv.slice(skip)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`logferry: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}

if (startupSnapshot.isBuildingSnapshot()) {
  const root = process.env['LOGFERRY_SNAPSHOT_ROOT'] ?? process.cwd();
  const io = quietIo(root);
  const warmUp = async () => {
    await main(['validate', 'fixtures/container-insights/fluent-bit.conf'], io);
    await main(['validate', '--format', 'json', 'fixtures/container-insights/fluent-bit.conf'], io);
    await main(['convert', 'fixtures/container-insights/fluent-bit.conf', '--to', 'yaml'], io);
    await main(['explain', 'tail'], io);
  };
  warmUp().catch((err: unknown) => {
    process.stderr.write(`logferry snapshot: warm-up failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
  // Started from the snapshot, argv is [node, ...arguments]: there is no script path.
  startupSnapshot.setDeserializeMainFunction(() => run(1));
} else {
  run(2);
}
