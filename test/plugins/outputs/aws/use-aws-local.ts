import { afterAll, beforeAll } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../../../src/aws-local/index.js';

/** Static credentials for the SDK's default chain (the local endpoint accepts any). */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local' } as const;

/** One local AWS endpoint for the calling suite (seeded faults), with credentials in the environment. */
export function useAwsLocal(seed: number): { readonly aws: AwsLocal } {
  let aws: AwsLocal | undefined;
  beforeAll(async () => {
    Object.assign(process.env, LOCAL_CREDENTIALS);
    aws = await startAwsLocal({ seed });
  });
  afterAll(async () => {
    await aws?.close();
  });
  return {
    get aws() {
      return aws!;
    },
  };
}
