import type { Diagnostic } from './diagnostic.js';

export interface JsonReport {
  files: string[];
  diagnostics: Diagnostic[];
}

export function formatJson(files: readonly string[], diagnostics: readonly Diagnostic[]): string {
  const report: JsonReport = { files: [...files], diagnostics: [...diagnostics] };
  return `${JSON.stringify(report, null, 2)}\n`;
}
