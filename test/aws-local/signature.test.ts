import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, rejection, useAwsLocal } from './clients.js';

const wrong = { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' };

describe('aws-local verifies SigV4 signatures of the keys it knows', () => {
  const start = useAwsLocal();

  it("accepts the SDK's requests signed with the test credentials, and says it checked them", async () => {
    const { aws, logs, sts } = await start();
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'signed' }));
    await sts.send(new GetCallerIdentityCommand({}));
    expect(aws.store.calls().map((c) => [c.operation, c.signature])).toEqual([
      ['CreateLogGroup', 'verified'],
      ['GetCallerIdentity', 'verified'],
    ]);
  });

  it('refuses a wrong secret as AWS does: InvalidSignatureException (JSON 1.1) and SignatureDoesNotMatch (STS), 403, nothing stored', async () => {
    const { aws } = await start();
    const logs = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: wrong, maxAttempts: 1 });
    const sts = new STSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: wrong, maxAttempts: 1 });
    try {
      const err = await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'forged' })));
      expect(err.name).toBe('InvalidSignatureException');
      expect(err.$metadata?.httpStatusCode).toBe(403);
      expect(err.message).toMatch(/does not match the signature you provided/);
      const stsErr = await rejection(sts.send(new GetCallerIdentityCommand({})));
      expect(stsErr.name).toBe('SignatureDoesNotMatch');
      expect(stsErr.$metadata?.httpStatusCode).toBe(403);
      expect(aws.store.logGroups()).toEqual([]);
      expect(aws.store.calls().map((c) => c.signature)).toEqual(['refused', 'refused']);
    } finally {
      logs.destroy();
      sts.destroy();
    }
  });

  it('refuses a body changed after signing', async () => {
    const { aws } = await start();
    const logs = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    logs.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string };
        request.body = request.body.replace('signed', 'SIGNED'); // same length: only the signature can tell
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    try {
      expect((await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'signed' })))).name).toBe('InvalidSignatureException');
      expect(aws.store.logGroups()).toEqual([]);
      expect(aws.store.calls()[0]?.body?.toString()).toBe('{"logGroupName":"SIGNED"}');
    } finally {
      logs.destroy();
    }
  });

  it('does not check keys it does not know (any credentials work, as before); the credentials option replaces the known keys', async () => {
    const { aws } = await start({ credentials: { AKIDOTHER: 'other' } });
    const unknown = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: wrong, maxAttempts: 1 });
    const other = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'nope' }, maxAttempts: 1 });
    try {
      await unknown.send(new DescribeLogGroupsCommand({}));
      expect((await rejection(other.send(new DescribeLogGroupsCommand({})))).name).toBe('InvalidSignatureException');
      expect(aws.store.calls().map((c) => c.signature)).toEqual(['unchecked', 'refused']);
    } finally {
      unknown.destroy();
      other.destroy();
    }
  });
});
