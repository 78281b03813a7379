/**
 * A service endpoint found without the AWS SDK where the SDK's answer follows from a small rule, so
 * an agent whose output needs nothing else of the SDK does not load it at start (its client, the
 * http2 handler it loads eagerly and the credential chain: ~150 ms of CPU on Node 24; bench/NOTES.md,
 * "Firehose at Fluent Bit's CPU").
 *
 * The rule is the SDK's standard one (the endpoint rule sets of Firehose and of most JSON services):
 * `https://<prefix>.<Region>.<dnsSuffix>`, `<prefix>-fips` with FIPS, the partition's
 * `dualStackDnsSuffix` with dual-stack, the `endpoint` option as written. The partition is the one
 * the SDK's `aws.partition` picks: a region named in a partition, else the first whose regular
 * expression matches, else `aws`. Every case the rule does not settle goes to the SDK
 * (`undefined` here): a FIPS pseudo-region (`fips-...`, `...-fips`), FIPS or dual-stack asked with
 * a custom endpoint (the SDK's error), an AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT that
 * is neither `true` nor `false`, and a shared config or credentials file that exists (its profile
 * may set `use_fips_endpoint` / `use_dualstack_endpoint`). test/plugins/outputs/aws/aws-endpoints.test.ts
 * compares this with the SDK clients' resolution for every region of every partition.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsClientConfig } from './aws-client.js';
import { sdkEndpoint, type SdkEndpointSource } from './aws-json-client.js';

interface Partition {
  readonly regex: RegExp;
  /** Regions named in the partition that its expression does not match. */
  readonly named: readonly string[];
  readonly dnsSuffix: string;
  readonly dualStackDnsSuffix: string;
}

/** The SDK's partitions (@aws-sdk/core partitionsInfo 1.1), in its order; every one supports FIPS and dual-stack. */
const PARTITIONS: readonly Partition[] = [
  { regex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, named: ['aws-global'], dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' },
  { regex: /^cn-\w+-\d+$/, named: ['aws-cn-global'], dnsSuffix: 'amazonaws.com.cn', dualStackDnsSuffix: 'api.amazonwebservices.com.cn' },
  { regex: /^eusc-(de)-\w+-\d+$/, named: [], dnsSuffix: 'amazonaws.eu', dualStackDnsSuffix: 'api.amazonwebservices.eu' },
  { regex: /^us-iso-\w+-\d+$/, named: ['aws-iso-global'], dnsSuffix: 'c2s.ic.gov', dualStackDnsSuffix: 'api.aws.ic.gov' },
  { regex: /^us-isob-\w+-\d+$/, named: ['aws-iso-b-global'], dnsSuffix: 'sc2s.sgov.gov', dualStackDnsSuffix: 'api.aws.scloud' },
  { regex: /^eu-isoe-\w+-\d+$/, named: ['aws-iso-e-global'], dnsSuffix: 'cloud.adc-e.uk', dualStackDnsSuffix: 'api.cloud-aws.adc-e.uk' },
  { regex: /^us-isof-\w+-\d+$/, named: ['aws-iso-f-global'], dnsSuffix: 'csp.hci.ic.gov', dualStackDnsSuffix: 'api.aws.hci.ic.gov' },
  { regex: /^us-gov-\w+-\d+$/, named: ['aws-us-gov-global'], dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws' },
];

/** The partition the SDK's `aws.partition` gives a region. */
export function partitionOf(region: string): Partition {
  return PARTITIONS.find((p) => p.named.includes(region)) ?? PARTITIONS.find((p) => p.regex.test(region)) ?? PARTITIONS[0]!;
}

export interface EndpointFlags {
  readonly fips: boolean;
  readonly dualStack: boolean;
}

/** What the environment is read for (process.env, or a test's). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The SDK's `useFipsEndpoint` and `useDualstackEndpoint` for `region`, when they follow from the
 * environment alone: undefined when the region is a FIPS pseudo-region, a variable holds something
 * else than `true`/`false` (the SDK's error), or one is unset and a shared config file exists.
 */
export function endpointFlags(region: string, env: Environment, fileExists: (path: string) => boolean = existsSync): EndpointFlags | undefined {
  if (region.startsWith('fips-') || region.endsWith('-fips')) return undefined;
  const fips = booleanVariable(env['AWS_USE_FIPS_ENDPOINT']);
  const dualStack = booleanVariable(env['AWS_USE_DUALSTACK_ENDPOINT']);
  if (fips === null || dualStack === null) return undefined;
  if ((fips === undefined || dualStack === undefined) && sharedFiles(env).some((f) => f.startsWith('~') || fileExists(f))) return undefined;
  return { fips: fips ?? false, dualStack: dualStack ?? false };
}

/** `true`, `false`, unset (undefined) or anything else (null), as the SDK's boolean selector reads it. */
function booleanVariable(value: string | undefined): boolean | undefined | null {
  if (value === undefined) return undefined;
  return value === 'true' ? true : value === 'false' ? false : null;
}

/** The SDK's shared config and credentials files (a path the SDK would expand from `~` counts as existing). */
function sharedFiles(env: Environment): string[] {
  const home = env['HOME'] || env['USERPROFILE'] || (env['HOMEPATH'] ? `${env['HOMEDRIVE'] ?? 'C:\\'}${env['HOMEPATH']}` : homedir());
  const config = env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config');
  const credentials = env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials');
  return [config, credentials];
}

/**
 * The endpoint the SDK's standard rule set gives `prefix` (the service's host name prefix) for
 * these parameters, or undefined where the SDK answers with an error (FIPS or dual-stack with a
 * custom endpoint, or no region) and must say so itself. Throws as `new URL` does for what is not a URL.
 */
export function standardEndpoint(prefix: string, region: string, flags: EndpointFlags, endpoint?: string): URL | undefined {
  if (endpoint !== undefined) return flags.fips || flags.dualStack ? undefined : new URL(endpoint);
  // The SDK's client refuses to be made without a region ("Region is missing").
  if (region === '') return undefined;
  const p = partitionOf(region);
  return new URL(`https://${prefix}${flags.fips ? '-fips' : ''}.${region}.${flags.dualStack ? p.dualStackDnsSuffix : p.dnsSuffix}`);
}

/**
 * The endpoint of the service whose host names start with `prefix`, for an AwsJsonClient: by the
 * standard rule where it settles the answer, else from the SDK client `sdk` makes (loaded then).
 * Decided on the first request, when the SDK would have read the same environment.
 */
export function endpointResolver(prefix: string, config: Pick<AwsClientConfig, 'region' | 'endpoint'>, sdk: () => Promise<SdkEndpointSource>): () => Promise<URL> {
  return async () => {
    const flags = endpointFlags(config.region, process.env);
    return (flags && standardEndpoint(prefix, config.region, flags, config.endpoint)) ?? sdkEndpoint(await sdk(), config);
  };
}
