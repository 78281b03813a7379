import type { Diagnostic } from './diagnostic.js';
import { maskDiagnostic } from './secrets.js';

export interface JsonReport {
  files: string[];
  diagnostics: Diagnostic[];
}

export function formatJson(files: readonly string[], diagnostics: readonly Diagnostic[]): string {
  const report: JsonReport = { files: [...files], diagnostics: diagnostics.map(maskDiagnostic) };
  return `${JSON.stringify(report, null, 2)}\n`;
}
