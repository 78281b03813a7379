import type { Diagnostic } from './diagnostic.js';
import { maskDiagnostic } from './secrets.js';

export interface JsonReport {
  files: string[];
  diagnostics: Diagnostic[];
  /** The Fluent Bit the files were checked for (`validate --target`), when one was. */
  target?: string;
}

export function formatJson(files: readonly string[], diagnostics: readonly Diagnostic[], target?: string): string {
  const report: JsonReport = { files: [...files], diagnostics: diagnostics.map(maskDiagnostic), ...(target ? { target } : {}) };
  return `${JSON.stringify(report, null, 2)}\n`;
}
