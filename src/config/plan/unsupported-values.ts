/**
 * Reports the values an options table declares unsupported (`unsupportedWhen`): each written value
 * that matches is an `unsupported-key` diagnostic at its entry, with the severity the table gives
 * ('error' when `run` refuses it). `run` refuses configurations with errors, so it cannot start what
 * `validate` refuses, and a runtime never needs its own check.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import type { OptionTable } from '../../options/spec.js';
import type { PlanEntry } from './interpret.js';

export function reportUnsupportedValues(table: OptionTable, entries: readonly PlanEntry[], where: string, report: (d: Diagnostic) => void): void {
  for (const entry of entries) {
    for (const use of table[entry.key]?.unsupportedValues ?? []) {
      if (!use.when(entry.value)) continue;
      report(
        makeDiagnostic({
          code: 'unsupported-key',
          severity: use.severity,
          message: `${entry.written} ${use.values} in ${where} is not supported by logferry: ${use.reason}`,
          span: entry.span,
          hint: use.severity === 'error' ? '`logferry run` refuses this configuration' : undefined,
        }),
      );
    }
  }
}
