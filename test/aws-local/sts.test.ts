import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, rejection, useAwsLocal } from './clients.js';

const ROLE = 'arn:aws:iam::123456789012:role/log-writer';

describe('aws-local STS', () => {
  const start = useAwsLocal();

  it('AssumeRole returns temporary credentials and records RoleArn, ExternalId and RoleSessionName', async () => {
    const { sts, aws } = await start();
    const reply = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'fluent-bit', ExternalId: 'ext-1', DurationSeconds: 900 }));
    expect(reply.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(reply.Credentials?.SecretAccessKey).toBeTruthy();
    expect(reply.Credentials?.SessionToken).toBeTruthy();
    expect(reply.Credentials!.Expiration!.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(reply.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/log-writer/fluent-bit');
    await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'second' }));
    expect(aws.store.assumeRoleCalls()).toEqual([
      { roleArn: ROLE, externalId: 'ext-1', sessionName: 'fluent-bit', issuedAccessKeyId: reply.Credentials?.AccessKeyId },
      { roleArn: ROLE, sessionName: 'second', issuedAccessKeyId: expect.stringMatching(/^ASIA/) },
    ]);
    expect(aws.store.requests('AssumeRole')).toBe(2);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
  });

  it('rejects bad parameters with ValidationError', async () => {
    const { sts, aws } = await start();
    for (const input of [
      { RoleArn: 'not-an-arn', RoleSessionName: 'ok-name' },
      { RoleArn: ROLE, RoleSessionName: 'bad name with spaces' },
      { RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 60 },
    ]) {
      const err = await rejection(sts.send(new AssumeRoleCommand(input)));
      expect([err.name, err.$metadata?.httpStatusCode]).toEqual(['ValidationError', 400]);
    }
    expect(aws.store.assumeRoleCalls()).toEqual([]);
  });

  it('credentials from fromTemporaryCredentials sign the calls that follow (role_arn end to end)', async () => {
    const { aws } = await start();
    const logs = new CloudWatchLogsClient({
      endpoint: aws.endpoint,
      region: 'us-east-1',
      credentials: fromTemporaryCredentials({
        params: { RoleArn: ROLE, ExternalId: 'ext-2', RoleSessionName: 'logferry' },
        masterCredentials: CREDENTIALS,
        clientConfig: { endpoint: aws.endpoint, region: 'us-east-1' },
      }),
    });
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
    } finally {
      logs.destroy();
    }
    const [call] = aws.store.assumeRoleCalls();
    expect(call).toMatchObject({ roleArn: ROLE, externalId: 'ext-2', sessionName: 'logferry' });
    expect(aws.store.calls('AssumeRole')[0]?.accessKeyId).toBe('AKIDLOCAL');
    expect(aws.store.calls('CreateLogGroup')[0]?.accessKeyId).toBe(call?.issuedAccessKeyId);
  });
});
