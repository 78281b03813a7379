/**
 * SARIF 2.1.0 output (the format GitHub code scanning and many editors ingest): one run whose
 * tool lists every diagnostic code as a rule, and one result per diagnostic with its file
 * (a relative URI, resolved against the directory logferry ran in) and its region.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import { maskDiagnostic } from './secrets.js';

export interface SarifOptions {
  readonly toolVersion: string;
}

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}

interface SarifResult {
  ruleId: DiagnosticCode;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations?: { physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion } }[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: SarifLevel } }[];
      };
    };
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }[];
}

const LEVEL: Readonly<Record<Severity, SarifLevel>> = { error: 'error', warning: 'warning', info: 'note' };

/** A file name as a URI reference: relative paths stay relative (with `/`), absolute ones become file: URLs. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

export function toSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): SarifLog {
  const codes = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];
  const rules = codes.map((id) => ({
    id,
    shortDescription: { text: DIAGNOSTIC_CODES[id].doc },
    defaultConfiguration: { level: LEVEL[DIAGNOSTIC_CODES[id].severity] },
  }));
  const results = diagnostics.map(maskDiagnostic).map((d): SarifResult => {
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: codes.indexOf(d.code),
      level: LEVEL[d.severity],
      message: { text: d.hint ? `${d.message}\nhelp: ${d.hint}` : d.message },
    };
    if (d.file !== '<unknown>') {
      const region: SarifRegion = { startLine: d.line, startColumn: d.column };
      if (d.endLine !== undefined && d.endColumn !== undefined) {
        region.endLine = d.endLine;
        region.endColumn = d.endColumn;
      }
      result.locations = [{ physicalLocation: { artifactLocation: { uri: artifactUri(d.file) }, region } }];
    }
    return result;
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'logferry', version: options.toolVersion, rules } }, columnKind: 'utf16CodeUnits', results }],
  };
}

export function formatSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): string {
  return `${JSON.stringify(toSarif(diagnostics, options), null, 2)}\n`;
}
