/** The hot reload contract between the monitoring server (`/api/v2/reload`) and whoever owns the pipeline. */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';

/** What a reload request came to, decided before the old pipeline is stopped. */
export type ReloadOutcome =
  /** `[SERVICE] Hot_Reload` is off in the running configuration. */
  | { readonly status: 'not enabled' }
  /** Another reload is running. */
  | { readonly status: 'in progress' }
  /** The configuration on disk has errors: nothing was changed. */
  | { readonly status: 'invalid'; readonly files: readonly string[]; readonly diagnostics: readonly Diagnostic[] }
  /** Accepted: the old pipeline is being stopped and the new one started. */
  | { readonly status: 'done' };

export interface ReloadControl {
  /** Successful reloads so far (Fluent Bit's `hot_reload_count`). */
  readonly count: number;
  /** Validates the configuration on disk and, if it is valid, starts replacing the pipeline. */
  request(via: 'signal' | 'http'): Promise<ReloadOutcome>;
}

/**
 * Fluent Bit's replies (`api/v2/reload.c`): `{"reload": "done", "status": 0}`, `"not enabled"`
 * with status -1 (HTTP 200), `"in progress"` with -2 (HTTP 400). logferry adds `"invalid"` with
 * -3 (HTTP 400) and the diagnostics, in `logferry validate --format json`'s shape.
 */
export function reloadReply(outcome: ReloadOutcome): { httpStatus: number; body: Record<string, unknown> } {
  switch (outcome.status) {
    case 'done':
      return { httpStatus: 200, body: { reload: 'done', status: 0 } };
    case 'not enabled':
      return { httpStatus: 200, body: { reload: 'not enabled', status: -1 } };
    case 'in progress':
      return { httpStatus: 400, body: { reload: 'in progress', status: -2 } };
    case 'invalid':
      return { httpStatus: 400, body: { reload: 'invalid', status: -3, files: [...outcome.files], diagnostics: [...outcome.diagnostics] } };
  }
}

/** The headers `pageRequestRefusal` reads (Node's `IncomingHttpHeaders` fits). */
export interface ReloadRequestHeaders {
  readonly origin?: string | undefined;
  readonly 'sec-fetch-site'?: string | undefined;
}

/**
 * Why a reload request is refused as coming from a web page, or undefined when it comes from a
 * tool. A page anywhere on the web can make a browser POST a form to `http://<node>:2020/api/v2/reload`
 * without preflight: the method is simple, and so is the `application/x-www-form-urlencoded` that
 * Fluent Bit's documented `curl -X POST -d '{}' localhost:2020/api/v2/reload` sends too, so the
 * content type cannot tell them apart. What can is what browsers add to every request a page makes:
 * - `Origin`, on every POST and PUT (Fetch standard; `null` when hidden). Any value is refused,
 *   the agent's own origin included: the server serves no page, so a "same-origin" request can only
 *   come from DNS rebinding (a hostile name re-pointed at the agent, where Origin and Host agree).
 * - `Sec-Fetch-Site`, refused unless `none` (the user typed the URL: a GET, never a reload).
 * curl, wget, kubectl, scripts (Node's fetch included) send neither, so they keep working.
 */
export function pageRequestRefusal(headers: ReloadRequestHeaders): string | undefined {
  if (headers.origin !== undefined) return `the request comes from a web page (Origin: ${headers.origin})`;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site.toLowerCase() !== 'none') return `the request comes from a web page (Sec-Fetch-Site: ${site})`;
  return undefined;
}

/** The 403 answer to a refused reload request. */
export function refusedReply(reason: string): { httpStatus: number; body: Record<string, unknown> } {
  return { httpStatus: 403, body: { reload: 'refused', status: -4, error: `${reason}; reloads are accepted only from tools such as curl` } };
}
