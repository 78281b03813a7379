import { join } from 'node:path';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { environmentCredentials } from '../../../../src/plugins/outputs/shared/aws-client.js';
import { endpointFlags, standardEndpoint, type EndpointFlags } from '../../../../src/plugins/outputs/shared/aws-endpoints.js';
import { sdkEndpoint } from '../../../../src/plugins/outputs/shared/aws-json-client.js';
import { useTempDir } from '../../../support/temp-dir.js';

/** Every region of every partition of the SDK's partition data (@aws-sdk/core, partitionsInfo 1.1). */
const SDK_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'aws-global', 'ca-central-1',
  'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1',
  'me-central-1', 'me-south-1', 'me-west-1', 'mx-central-1', 'sa-east-1', 'sa-west-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'aws-cn-global', 'cn-north-1', 'cn-northwest-1', 'eusc-de-east-1', 'aws-iso-global', 'us-iso-east-1', 'us-iso-west-1', 'aws-iso-b-global',
  'us-isob-east-1', 'us-isob-west-1', 'aws-iso-e-global', 'eu-isoe-west-1', 'aws-iso-f-global', 'us-isof-east-1', 'us-isof-south-1',
  'aws-us-gov-global', 'us-gov-east-1', 'us-gov-west-1',
];
/** Regions no partition names, each matching one partition's expression (or none: the `aws` default). */
const UNNAMED_REGIONS = ['us-north-9', 'cn-south-3', 'eusc-de-west-2', 'us-iso-north-7', 'us-isob-south-2', 'eu-isoe-east-4', 'us-isof-west-5', 'us-gov-north-3', 'xx-east-1', 'local', 'eusc-fr-east-1'];

const FLAGS: readonly EndpointFlags[] = [
  { fips: false, dualStack: false },
  { fips: true, dualStack: false },
  { fips: false, dualStack: true },
  { fips: true, dualStack: true },
];

/** The SDK Firehose client's endpoint for these parameters, or the error it throws. */
async function sdkAnswer(region: string, flags: EndpointFlags, endpoint?: string): Promise<string> {
  let sdk: FirehoseClient | undefined;
  try {
    sdk = new FirehoseClient({ region, useFipsEndpoint: flags.fips, useDualstackEndpoint: flags.dualStack });
    return (await sdkEndpoint(sdk, { region, ...(endpoint !== undefined ? { endpoint } : {}) })).href;
  } catch {
    return 'error';
  } finally {
    sdk?.destroy();
  }
}

/** Ours: the URL, `error` where `new URL` throws, `sdk` where the rule leaves it to the SDK. */
function ourAnswer(region: string, flags: EndpointFlags, endpoint?: string): string {
  try {
    return standardEndpoint('firehose', region, flags, endpoint)?.href ?? 'sdk';
  } catch {
    return 'error';
  }
}

const tmp = useTempDir('aws-endpoints-');
const saved = { ...process.env };
afterEach(() => {
  vi.restoreAllMocks();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe("Firehose's endpoint without the SDK", () => {
  it("is the SDK client's for every region of every partition, with and without FIPS and dual-stack", async () => {
    for (const region of [...SDK_REGIONS, ...UNNAMED_REGIONS]) {
      for (const flags of FLAGS) expect(`${region} ${JSON.stringify(flags)} ${ourAnswer(region, flags)}`).toBe(`${region} ${JSON.stringify(flags)} ${await sdkAnswer(region, flags)}`);
    }
  });

  it("is the `endpoint` option as the SDK takes it, and left to the SDK (its error) with FIPS or dual-stack", async () => {
    for (const endpoint of ['https://127.0.0.1:4566', 'http://localhost:8080', 'https://firehose.example.com/base', 'http://[::1]:99']) {
      for (const flags of FLAGS) {
        const ours = ourAnswer('us-east-1', flags, endpoint);
        const sdk = await sdkAnswer('us-east-1', flags, endpoint);
        if (ours === 'sdk') expect(sdk).toBe('error');
        else expect(ours).toBe(sdk);
      }
    }
  });

  it('agrees with the SDK on any region string (a URL, or an error from both; the empty region left to the SDK, whose client refuses it)', async () => {
    const segment = fc.stringMatching(/^[a-z0-9]{0,6}$/);
    // The SDK's endpoint code tells the console of each URL it cannot make: kept out of the test's output.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const region = fc.oneof(fc.tuple(segment, segment, segment).map((parts) => parts.join('-')), fc.string({ maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(region, fc.constantFrom(...FLAGS), async (r, flags) => {
        const ours = ourAnswer(r, flags);
        expect(ours === 'sdk' ? 'error' : ours).toBe(await sdkAnswer(r, flags));
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 100) },
    );
  });
});

describe('FIPS and dual-stack settings without the SDK', () => {
  it("are the SDK client's from the environment, and left to the SDK for a FIPS region, a bad value or an existing config file", async () => {
    {
      const dir = tmp.path;
      const configFile = tmp.write('config', '[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n');
      const values = [undefined, 'true', 'false', 'yes'];
      let settled = 0;
      for (const region of ['us-east-1', 'fips-us-east-1', 'us-west-2-fips']) {
        for (const fips of values) {
          for (const dualStack of values) {
            for (const file of [join(dir, 'none'), configFile]) {
              const env: Record<string, string | undefined> = { HOME: dir, AWS_CONFIG_FILE: file, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_USE_FIPS_ENDPOINT: fips, AWS_USE_DUALSTACK_ENDPOINT: dualStack };
              for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
              else process.env[k] = v;
              const ours = endpointFlags(region, env);
              const sdk = new FirehoseClient({ region });
              const theirs = await Promise.all([sdk.config.useFipsEndpoint(), sdk.config.useDualstackEndpoint()]).then(
                ([f, d]) => ({ fips: f, dualStack: d }),
                () => 'error',
              );
              sdk.destroy();
              if (ours === undefined) continue;
              settled++;
              expect({ region, fips, dualStack, file, flags: ours }).toEqual({ region, fips, dualStack, file, flags: theirs });
            }
          }
        }
      }
      // Settled: us-east-1 with both set (4 pairs, 2 files) or with no config file (5 more): 13.
      expect(settled).toBe(13);
      expect(endpointFlags('us-east-1', { HOME: dir, AWS_CONFIG_FILE: '~/aws-config' }, () => false)).toBeUndefined();
    }
  });
});

describe("the default chain's environment credentials without the SDK", () => {
  it("are what the SDK's chain answers from the environment, and undefined where it would look further", async () => {
    const cases: Record<string, string>[] = [
      { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' },
      { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05Z', AWS_CREDENTIAL_SCOPE: 'scope', AWS_ACCOUNT_ID: '123456789012' },
      { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: '' },
      { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: 'other' },
      { AWS_ACCESS_KEY_ID: 'AKID' },
      { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 'secret' },
    ];
    for (const vars of cases) {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_CREDENTIAL_SCOPE', 'AWS_ACCOUNT_ID', 'AWS_PROFILE']) delete process.env[k];
      Object.assign(process.env, vars, { AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' });
      const ours = environmentCredentials(process.env);
      if (ours === undefined) continue;
      const { $source: _source, ...theirs } = (await fromNodeProviderChain()()) as unknown as Record<string, unknown>;
      expect(ours).toEqual(theirs);
    }
  });
});
