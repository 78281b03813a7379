/**
 * The service's clock as the AWS SDK v3 keeps it (AwsSdkSigV4Signer, getUpdatedSystemClockOffset):
 * each answer's `Date` header sets the offset between the service's clock and this machine's,
 * unless the answer has an `Age` header (a cache's) or the request took over 15 minutes; requests
 * are signed at this machine's time plus the offset. A node whose clock is off by more than the
 * 5 minutes SigV4 allows has its first request refused (`Signature expired`, RequestTimeTooSkewed)
 * and the next one accepted.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A request's answer that came later than this says nothing about the clock. */
const STALE_MS = 900_000;
/** An offset this large means the request was refused for its time: the SDK retries it at once. */
const SKEW_MS = 240_000;

export class ServiceClock {
  /** The service's time minus this machine's, ms. */
  offsetMs = 0;

  /** When to sign a request. */
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /**
   * Takes the service's time from an answer to a request sent at `sentAt` (Date.now()) with
   * `offsetAtSend`. True when the offset is now large and not the one the request was signed with:
   * a refusal of that request came from the clock, and trying again fixes it.
   */
  sample(headers: IncomingHttpHeaders, sentAt: number, offsetAtSend: number): boolean {
    const date = headers['date'];
    if (headers['age'] !== undefined || typeof date !== 'string') return false;
    const serverTime = Date.parse(date);
    const now = Date.now();
    if (Number.isNaN(serverTime) || now - sentAt > STALE_MS) return false;
    this.offsetMs = serverTime - now;
    return Math.abs(this.offsetMs) >= SKEW_MS && this.offsetMs !== offsetAtSend;
  }
}
