/**
 * Credentials of the SDK's provider chain (aws-client.ts `credentialsFor`) kept between requests,
 * as the SDK memoizes them: reused until 5 minutes before their `expiration`, then fetched again
 * (callers meanwhile share one fetch); a failed fetch is not kept, the next request tries again.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The SDK's margin: credentials expiring within this are fetched again before use. */
export const CREDENTIALS_REFRESH_MS = 5 * 60_000;

export class CachedCredentials {
  private current: AwsCredentialIdentity | undefined;
  private fetching: Promise<AwsCredentialIdentity> | undefined;

  constructor(
    private readonly provider: AwsCredentialIdentityProvider,
    private readonly now: () => number = Date.now,
  ) {}

  /** Credentials valid for at least the next 5 minutes (or without expiry). */
  get(): Promise<AwsCredentialIdentity> {
    const c = this.current;
    if (c !== undefined && (c.expiration === undefined || c.expiration.getTime() - this.now() > CREDENTIALS_REFRESH_MS)) return Promise.resolve(c);
    return (this.fetching ??= this.fetch());
  }

  private async fetch(): Promise<AwsCredentialIdentity> {
    try {
      const c = await this.provider({ forceRefresh: this.current !== undefined });
      this.current = c;
      return c;
    } finally {
      this.fetching = undefined;
    }
  }
}

/** A provider that keeps what `provider` gives as CachedCredentials does. */
export function cachedProvider(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  const cache = new CachedCredentials(provider);
  return () => cache.get();
}
