import type { Diagnostic, Position, Span } from '../../diagnostics/diagnostic.js';
import type { Entry, Section } from '../document/model.js';
import type { DecodedScalar } from './scalar-text.js';

/**
 * Maps positions in an embedded text (a ConfigMap data value, parsed as its own classic file)
 * to positions in the file that holds it. Spans and diagnostics keep their file name: the
 * embedded text is parsed under the manifest's name, only line, column and offset change.
 */
export interface PositionMap {
  /** `end`: the position is an exclusive end (maps to just after the previous character). */
  position(p: Position, end?: boolean): Position;
}

/** The identity: the text is the file (a plain `.conf`). */
export const IDENTITY_MAP: PositionMap = { position: (p) => p };

/** 1-based line and column of every offset of a text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo]! + 1, offset: o };
  }

  /** The offset of a 1-based line and column (clamped to the text). */
  offsetOf(line: number, column: number): number {
    const start = this.starts[Math.max(0, Math.min(line, this.starts.length) - 1)]!;
    return Math.max(0, Math.min(start + column - 1, this.text.length));
  }
}

/** Maps through a decoded scalar's per-character source offsets. */
export function scalarMap(decoded: DecodedScalar, file: LineIndex): PositionMap {
  const inner = new LineIndex(decoded.text);
  const n = decoded.text.length;
  return {
    position(p, end = false) {
      const o = inner.offsetOf(p.line, p.column);
      if (n === 0) return file.at(0);
      if (end) return file.at(o > 0 ? decoded.ends[o - 1]! : decoded.starts[0]!);
      return file.at(o < n ? decoded.starts[o]! : decoded.ends[n - 1]!);
    },
  };
}

/** Every position maps to one place (a scalar this reader cannot decode character by character). */
export function anchorMap(anchor: Position): PositionMap {
  return { position: () => anchor };
}

export function mapSpan(map: PositionMap, span: Span): Span {
  return { file: span.file, start: map.position(span.start), end: map.position(span.end, true) };
}

function mapEntry(map: PositionMap, e: Entry): Entry {
  return { ...e, span: mapSpan(map, e.span), keySpan: mapSpan(map, e.keySpan), valueSpan: mapSpan(map, e.valueSpan) };
}

export function mapSection(map: PositionMap, s: Section): Section {
  const mapped: Section = { ...s, span: mapSpan(map, s.span), entries: s.entries.map((e) => mapEntry(map, e)) };
  return s.children ? { ...mapped, children: s.children.map((c) => mapSection(map, c)) } : mapped;
}

export function mapDiagnostic(map: PositionMap, d: Diagnostic): Diagnostic {
  const start = map.position({ line: d.line, column: d.column, offset: 0 });
  const out: Diagnostic = { ...d, line: start.line, column: start.column };
  if (d.endLine !== undefined && d.endColumn !== undefined) {
    const end = map.position({ line: d.endLine, column: d.endColumn, offset: 0 }, true);
    out.endLine = end.line;
    out.endColumn = end.column;
  }
  return out;
}
