/** STS (AWS Query protocol: form-encoded `Action=…`, XML replies) for testing `role_arn`. */
import { randomBytes, randomUUID } from 'node:crypto';
import { ACCOUNT_ID, AwsServiceError } from './protocol.js';
import type { ServiceContext } from './service.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** One AssumeRole call as the endpoint saw it, with the access key id of the credentials it issued. */
export interface AssumeRoleCall {
  roleArn: string;
  externalId?: string;
  sessionName: string;
  issuedAccessKeyId: string;
}

export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function param(params: URLSearchParams, name: string, min: number, max: number, pattern: RegExp, required: boolean): string | undefined {
  const value = params.get(name);
  if (value === null) {
    if (required) throw new AwsServiceError('ValidationError', `1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (value.length < min || value.length > max || !pattern.test(value)) {
    throw new AwsServiceError('ValidationError', `1 validation error detected: Value '${value}' at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must have length between ${min} and ${max} and satisfy regular expression pattern: ${pattern.source.replace(/^\^|\$$/g, '')}`);
  }
  return value;
}

function keyId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
}

function assumeRole(params: URLSearchParams, ctx: ServiceContext, calls: AssumeRoleCall[]): string {
  const roleArn = param(params, 'RoleArn', 20, 2048, /^arn:[\w+=/,.@:-]+$/, true)!;
  const sessionName = param(params, 'RoleSessionName', 2, 64, /^[\w+=,.@-]*$/, true)!;
  const externalId = param(params, 'ExternalId', 2, 1224, /^[\w+=,.@:/-]*$/, false);
  const duration = params.get('DurationSeconds') === null ? 3600 : Number(params.get('DurationSeconds'));
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
    throw new AwsServiceError('ValidationError', `1 validation error detected: Value '${params.get('DurationSeconds')}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1) || roleArn;
  const accessKeyId = keyId('ASIA');
  const call: AssumeRoleCall = { roleArn, sessionName, issuedAccessKeyId: accessKeyId };
  if (externalId !== undefined) call.externalId = externalId;
  calls.push(call);
  const expiration = new Date(ctx.now() + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${ACCOUNT_ID}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(sessionName)}</Arn>
      <AssumedRoleId>${keyId('AROA')}:${xmlEscape(sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>${randomBytes(30).toString('base64')}</SecretAccessKey>
      <SessionToken>${randomBytes(96).toString('base64')}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>`;
}

function getCallerIdentity(): string {
  return `<GetCallerIdentityResult>
    <Arn>arn:aws:iam::${ACCOUNT_ID}:root</Arn>
    <UserId>${ACCOUNT_ID}</UserId>
    <Account>${ACCOUNT_ID}</Account>
  </GetCallerIdentityResult>`;
}

/** The XML reply of an STS action (`InvalidAction` for others). */
export function stsReply(action: string, params: URLSearchParams, ctx: ServiceContext, calls: AssumeRoleCall[]): string {
  let result: string;
  if (action === 'AssumeRole') result = assumeRole(params, ctx, calls);
  else if (action === 'GetCallerIdentity') result = getCallerIdentity();
  else throw new AwsServiceError('InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
  return `<${action}Response xmlns="${XMLNS}">
  ${result}
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</${action}Response>
`;
}

export function stsErrorXml(err: AwsServiceError, requestId: string): string {
  return `<ErrorResponse xmlns="${XMLNS}">
  <Error>
    <Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type>
    <Code>${xmlEscape(err.type)}</Code>
    <Message>${xmlEscape(err.message)}</Message>
  </Error>
  <RequestId>${requestId}</RequestId>
</ErrorResponse>
`;
}
