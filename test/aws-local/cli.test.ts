import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localhostTls, startAwsLocal } from '../../src/aws-local/index.js';
import { awsLocalCommand } from '../../src/cli/aws-local.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { CREDENTIALS, rejection } from './clients.js';


function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: {}, cwd: REPO_ROOT } };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('logferry aws-local', () => {
  const tmp = useTempDir('aws-local-cli-');

  it('runs the endpoint as a real process, prints its URL, stops on SIGTERM; tail and firehose print what it kept', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'aws-local', '--port', '0', '--data-dir', tmp.path, '--faults', 'latency-ms=1', '--seed', '5', '--credential', 'AKIDCLI:right'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await until(() => stdout.includes('\n'), 20_000);
    const endpoint = stdout.trim();
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = { endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 };
    const logs = new CloudWatchLogsClient(config);
    const firehose = new FirehoseClient(config);
    try {
      const now = Date.now();
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'app' }));
      for (const s of ['b', 'a']) await logs.send(new CreateLogStreamCommand({ logGroupName: 'app', logStreamName: s }));
      await logs.send(new PutLogEventsCommand({ logGroupName: 'app', logStreamName: 'a', logEvents: [{ timestamp: now - 2000, message: 'first' }, { timestamp: now, message: 'third' }] }));
      await logs.send(new PutLogEventsCommand({ logGroupName: 'app', logStreamName: 'b', logEvents: [{ timestamp: now - 1000, message: 'second' }] }));
      await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'fh', Records: [{ Data: Buffer.from('{"x":1}\n') }, { Data: Buffer.from([0xff, 0xfe]) }] }));
      // --credential: that key's signatures are checked.
      const forged = new FirehoseClient({ ...config, credentials: { accessKeyId: 'AKIDCLI', secretAccessKey: 'wrong' } });
      expect((await rejection(forged.send(new PutRecordBatchCommand({ DeliveryStreamName: 'fh', Records: [{ Data: Buffer.from('no') }] })))).name).toBe('InvalidSignatureException');
      forged.destroy();
    } finally {
      logs.destroy();
      firehose.destroy();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const tail = await runCli(['aws-local', 'tail', 'app', '--data-dir', tmp.path]);
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split('\n').map((l) => l.split(' ').slice(1).join(' '))).toEqual(['a first', 'b second', 'a third']);
    expect(tail.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z a first\n/);
    expect((await runCli(['aws-local', 'tail', 'app', '--data-dir', tmp.path, '--stream', 'b'])).stdout).toMatch(/^\S+ b second\n$/);
    expect(await runCli(['aws-local', 'firehose', 'fh', '--data-dir', tmp.path])).toEqual({ code: 0, stdout: '{"x":1}\nbase64://4=\n', stderr: '' });
  }, 40_000);

  it('tail --follow prints events as they arrive until SIGINT', async () => {
    const T = Date.now() - 60_000;
    const iso = (t: number) => new Date(t).toISOString();
    const aws = await startAwsLocal({ dataDir: tmp.path });
    const logs = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
      await logs.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: T, message: 'before' }] }));
      const { out, io } = capture();
      const signals = new EventEmitter();
      const running = awsLocalCommand(['tail', 'g', '--data-dir', tmp.path, '--follow'], io, signals);
      await until(() => out.stdout.includes('before'));
      await logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 'new' }));
      await logs.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 'new', logEvents: [{ timestamp: T + 1, message: 'after' }] }));
      await until(() => out.stdout.includes('after'));
      signals.emit('SIGINT');
      expect(await running).toBe(0);
      expect(out.stdout).toBe(`${iso(T)} s before\n${iso(T + 1)} new after\n`);
    } finally {
      logs.destroy();
      await aws.close();
    }
  });

  it('exits 2 on usage errors and 1 on unknown groups and streams', async () => {
    for (const args of [['--faults', 'boom=1'], ['--port', 'x'], ['--seed', '1.5'], ['--credential', 'AKIDNOSECRET'], ['nope'], ['tail'], ['firehose', 'a', 'b']]) {
      const r = await runCli(['aws-local', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: logferry aws-local');
    }
    expect((await runCli(['aws-local', '--faults', 'boom=1'])).stderr).toContain("--faults: unknown fault 'boom'");
    const group = await runCli(['aws-local', 'tail', 'missing', '--data-dir', tmp.path]);
    expect([group.code, group.stderr]).toEqual([1, `logferry aws-local tail: no log group 'missing' in ${tmp.path}\n`]);
    expect((await runCli(['aws-local', 'firehose', 'missing', '--data-dir', tmp.path])).code).toBe(1);
    expect((await runCli(['aws-local', '--help'])).stdout).toContain('logferry aws-local tail <log group>');
  });

  it('stops an in-process endpoint on SIGTERM and reports a port in use', async () => {
    const { out, io } = capture();
    const signals = new EventEmitter();
    const running = awsLocalCommand(['--port', '0', '--data-dir', tmp.path], io, signals);
    await until(() => out.stdout.includes('\n'));
    const port = Number(new URL(out.stdout.trim()).port);
    const second = capture();
    expect(await awsLocalCommand(['--port', String(port), '--data-dir', tmp.path], second.io, new EventEmitter())).toBe(1);
    expect(second.out.stderr).toContain('EADDRINUSE');
    signals.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(out.stderr).toContain('aws-local: stopped after 0 request(s)');
  });

  it('--tls serves HTTPS with the bundled certificate and prints the https URL', async () => {
    const { out, io } = capture();
    const signals = new EventEmitter();
    const running = awsLocalCommand(['--port', '0', '--data-dir', tmp.path, '--tls'], io, signals);
    await until(() => out.stdout.includes('\n'));
    const endpoint = out.stdout.trim();
    expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const logs = new CloudWatchLogsClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: localhostTls().cert }) }) });
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'tls' }));
    } finally {
      logs.destroy();
    }
    signals.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(out.stderr).toContain('aws-local: stopped after 1 request(s)');
  });
});
