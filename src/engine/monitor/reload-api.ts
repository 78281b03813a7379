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
