/**
 * SARIF 2.1.0 output (the format GitHub code scanning and many editors ingest): one run whose
 * tool lists every diagnostic code as a rule (with its description, help and a link to its
 * section of docs/diagnostics.md), and one result per diagnostic with its file and region. Files
 * under the SARIF root (the working directory unless `--sarif-root`) are URIs relative to
 * `%SRCROOT%`; a file outside it stays an absolute file: URL. Inputs that could not be read are
 * tool execution notifications, with `executionSuccessful: false`, so an upload step still gets a log.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeHelpMarkdown, codeHelpText, codeHelpUri, DIAGNOSTIC_CODES, PROJECT_URL, type DiagnosticCode } from './codes.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import { maskDiagnostic } from './secrets.js';

/** An input logferry could not read, and why. */
export interface UnreadableInput {
  readonly file: string;
  readonly reason: string;
}

export interface SarifOptions {
  readonly toolVersion: string;
  /** Directory the diagnostics' relative file names are relative to (the working directory). */
  readonly cwd: string;
  /** The `%SRCROOT%` directory artifact URIs are relative to (default: `cwd`). */
  readonly root?: string | undefined;
  readonly unreadable?: readonly UnreadableInput[];
}

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: typeof SRCROOT;
}

interface SarifLocation {
  physicalLocation: { artifactLocation: ArtifactLocation; region?: SarifRegion };
}

interface SarifResult {
  ruleId: DiagnosticCode;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations?: SarifLocation[];
}

interface SarifMultiformat {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: DiagnosticCode;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: SarifMultiformat;
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
}

interface SarifNotification {
  level: 'error';
  message: { text: string };
  locations: SarifLocation[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
    automationDetails: { id: string };
    originalUriBaseIds: Record<typeof SRCROOT, { uri: string }>;
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: SarifNotification[] }[];
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }[];
}

const SRCROOT = '%SRCROOT%';

/** The category GitHub code scanning files the results under (the part before the last `/`). */
export const SARIF_AUTOMATION_ID = 'logferry/validate/';

const LEVEL: Readonly<Record<Severity, SarifLevel>> = { error: 'error', warning: 'warning', info: 'note' };

function encodePath(segments: readonly string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

/** A directory as a file: URL ending in `/`, as `originalUriBaseIds` requires. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * A file name as a SARIF artifact location: relative to `root` under `%SRCROOT%` when the file is
 * inside it (with `/` and percent-encoding), an absolute file: URL otherwise.
 */
export function artifactLocation(file: string, cwd: string, root: string = cwd): ArtifactLocation {
  const absolute = resolve(cwd, file);
  const rel = relative(resolve(cwd, root), absolute);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: pathToFileURL(absolute).href };
  return { uri: encodePath(rel.split(sep)), uriBaseId: SRCROOT };
}

/** PascalCase friendly name of a code, as SARIF rule names are written: unknown-key is UnknownKey. */
function ruleName(code: string): string {
  return code.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

export function sarifRules(): SarifRule[] {
  return (Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[]).map((id) => ({
    id,
    name: ruleName(id),
    shortDescription: { text: DIAGNOSTIC_CODES[id].doc },
    fullDescription: { text: `${DIAGNOSTIC_CODES[id].doc} ${DIAGNOSTIC_CODES[id].fix}` },
    help: { text: codeHelpText(id), markdown: codeHelpMarkdown(id) },
    helpUri: codeHelpUri(id),
    defaultConfiguration: { level: LEVEL[DIAGNOSTIC_CODES[id].severity] },
  }));
}

export function toSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): SarifLog {
  const rules = sarifRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const locate = (file: string) => artifactLocation(file, options.cwd, options.root);
  const results = diagnostics.map(maskDiagnostic).map((d): SarifResult => {
    const result: SarifResult = {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code)!,
      level: LEVEL[d.severity],
      message: { text: d.hint ? `${d.message}\nhelp: ${d.hint}` : d.message },
    };
    if (d.file !== '<unknown>') {
      const region: SarifRegion = { startLine: d.line, startColumn: d.column };
      if (d.endLine !== undefined && d.endColumn !== undefined) {
        region.endLine = d.endLine;
        region.endColumn = d.endColumn;
      }
      result.locations = [{ physicalLocation: { artifactLocation: locate(d.file), region } }];
    }
    return result;
  });
  const unreadable = options.unreadable ?? [];
  const invocation: SarifLog['runs'][number]['invocations'][number] = { executionSuccessful: unreadable.length === 0 };
  if (unreadable.length > 0) {
    invocation.toolExecutionNotifications = unreadable.map((u) => ({
      level: 'error',
      message: { text: `cannot read '${u.file}': ${u.reason}` },
      locations: [{ physicalLocation: { artifactLocation: locate(u.file) } }],
    }));
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'logferry', version: options.toolVersion, semanticVersion: options.toolVersion, informationUri: PROJECT_URL, rules } },
        automationDetails: { id: SARIF_AUTOMATION_ID },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(resolve(options.cwd, options.root ?? '.')) } },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): string {
  return `${JSON.stringify(toSarif(diagnostics, options), null, 2)}\n`;
}
