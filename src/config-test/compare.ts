import { isDeepStrictEqual } from 'node:util';

/** How the records an output received differ from what the test expects. */
export interface Mismatch {
  readonly output: string;
  readonly match: 'exact' | 'partial';
  readonly expected: readonly Record<string, unknown>[];
  readonly actual: readonly Record<string, unknown>[];
  /** Indexes of the records that differ (or are missing / extra). */
  readonly differing: readonly number[];
}

/** `expected` is contained in `actual`: maps by their expected keys, lists element by element. */
export function partialMatch(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => partialMatch(e, actual[i]));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && partialMatch(v, (actual as Record<string, unknown>)[k]));
  }
  return isDeepStrictEqual(expected, actual);
}

/** Compares in order; the counts must be equal in both modes. Undefined when they match. */
export function compareRecords(
  output: string,
  expected: readonly Record<string, unknown>[],
  actual: readonly Record<string, unknown>[],
  match: 'exact' | 'partial',
): Mismatch | undefined {
  const differing: number[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i];
    const a = actual[i];
    const same = e !== undefined && a !== undefined && (match === 'exact' ? isDeepStrictEqual(e, a) : partialMatch(e, a));
    if (!same) differing.push(i);
  }
  return differing.length === 0 ? undefined : { output, match, expected, actual, differing };
}

/** A readable diff: `- expected` / `+ actual` lines for the records that differ. */
export function formatMismatch(m: Mismatch): string {
  const lines = [`  output ${m.output} (${m.match} match): expected ${m.expected.length} record(s), got ${m.actual.length}`];
  for (const i of m.differing.slice(0, 20)) {
    const e = m.expected[i];
    const a = m.actual[i];
    lines.push(`    record ${i}:`);
    lines.push(`    - ${e === undefined ? '(none)' : JSON.stringify(e)}`);
    lines.push(`    + ${a === undefined ? '(none)' : JSON.stringify(a)}`);
  }
  if (m.differing.length > 20) lines.push(`    ... and ${m.differing.length - 20} more`);
  return lines.join('\n');
}
