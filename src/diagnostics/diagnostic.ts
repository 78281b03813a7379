import { type DiagnosticCode, defaultSeverity } from './codes.js';

export type Severity = 'error' | 'warning' | 'info';

/** A position in a source file: 1-based line and column, 0-based offset. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** A range of source text; `end` is exclusive. */
export interface Span {
  file: string;
  start: Position;
  end: Position;
}

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  hint?: string;
}

export interface DiagnosticInit {
  code: DiagnosticCode;
  message: string;
  span?: Span | undefined;
  /** Used when no span is known (a whole file, say). */
  file?: string;
  hint?: string | undefined;
  severity?: Severity;
}

/** Longest message or hint kept: one quoting a megabyte value would otherwise print all of it. */
export const MAX_MESSAGE_LENGTH = 2000;

/** `text` with its middle left out when it is longer than `max` characters. */
export function elide(text: string, max = MAX_MESSAGE_LENGTH): string {
  if (text.length <= max) return text;
  const keep = Math.floor((max - 40) / 2);
  return `${text.slice(0, keep)}[... ${(text.length - 2 * keep).toLocaleString('en-US')} characters ...]${text.slice(-keep)}`;
}

export function makeDiagnostic(init: DiagnosticInit): Diagnostic {
  const d: Diagnostic = {
    severity: init.severity ?? defaultSeverity(init.code),
    code: init.code,
    message: elide(init.message),
    file: init.span?.file ?? init.file ?? '<unknown>',
    line: init.span?.start.line ?? 1,
    column: init.span?.start.column ?? 1,
  };
  if (init.span) {
    d.endLine = init.span.end.line;
    d.endColumn = init.span.end.column;
  }
  if (init.hint !== undefined) d.hint = elide(init.hint);
  return d;
}

/** Orders diagnostics by file (in the order given), then line and column; stable otherwise. */
export function sortDiagnostics(items: readonly Diagnostic[], fileOrder: readonly string[] = []): Diagnostic[] {
  const rank = new Map(fileOrder.map((f, i) => [f, i]));
  return items
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const fa = rank.get(a.d.file) ?? Number.MAX_SAFE_INTEGER;
      const fb = rank.get(b.d.file) ?? Number.MAX_SAFE_INTEGER;
      if (fa !== fb) return fa - fb;
      if (a.d.file !== b.d.file) return a.d.file < b.d.file ? -1 : 1;
      return a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i;
    })
    .map((x) => x.d);
}
