/** Real AWS SDK v3 clients pointed at a local endpoint, as the tests of src/aws-local use them. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { STSClient } from '@aws-sdk/client-sts';
import { afterEach } from 'vitest';
import { startAwsLocal, type AwsLocal, type AwsLocalOptions } from '../../src/aws-local/index.js';

export const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

function config(endpoint: string, maxAttempts: number) {
  return { endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts };
}

export interface Local {
  aws: AwsLocal;
  logs: CloudWatchLogsClient;
  firehose: FirehoseClient;
  sts: STSClient;
}

/** Starts endpoints for the calling suite (closed after each test); clients make one attempt unless told. */
export function useAwsLocal(): (options?: AwsLocalOptions, maxAttempts?: number) => Promise<Local> {
  const open: Local[] = [];
  afterEach(async () => {
    for (const l of open.splice(0)) {
      l.logs.destroy();
      l.firehose.destroy();
      l.sts.destroy();
      await l.aws.close();
    }
  });
  return async (options = {}, maxAttempts = 1) => {
    const aws = await startAwsLocal(options);
    const local = {
      aws,
      logs: new CloudWatchLogsClient(config(aws.endpoint, maxAttempts)),
      firehose: new FirehoseClient(config(aws.endpoint, maxAttempts)),
      sts: new STSClient(config(aws.endpoint, maxAttempts)),
    };
    open.push(local);
    return local;
  };
}

/** The rejection of `p` (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}
