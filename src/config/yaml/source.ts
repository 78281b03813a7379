import type { LineCounter, Node, Scalar } from 'yaml';
import type { Span } from '../../diagnostics/diagnostic.js';

/** Node ranges of the `yaml` package as 1-based line/column spans of one file. */
export class SpanMaker {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  at(start: number, end: number): Span {
    return { file: this.file, start: this.pos(start), end: this.pos(Math.max(start, end)) };
  }

  /** The node itself, without a trailing comment or line break. */
  node(node: Node | null | undefined, fallback: Span): Span {
    const range = node?.range;
    return range ? this.at(range[0], range[1]) : fallback;
  }

  private pos(offset: number): Span['start'] {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col, offset };
  }
}

export interface ScalarText {
  /** The scalar's value as libyaml gives it to Fluent Bit (quotes and escapes resolved, no typing). */
  readonly text: string;
  /**
   * Where `text` is in the file: the exact characters when the source spells the value literally
   * (plain, or quoted without escapes), so positions inside the value can be computed; else the
   * whole node.
   */
  readonly span: Span;
}

/**
 * The text of a scalar (the YAML reader is used with the failsafe schema, so `on`, `true` and `5`
 * stay text, as in Fluent Bit). With `trim`, surrounding whitespace is removed, as
 * `flb_cf_section_property_add` does, and the span follows.
 */
export function scalarText(node: Scalar, spans: SpanMaker, source: string, trim: boolean, fallback: Span): ScalarText {
  const raw = typeof node.source === 'string' ? node.source : String(node.value ?? '');
  const whole = spans.node(node, fallback);
  const range = node.range;
  let start = range?.[0] ?? 0;
  let end = range?.[1] ?? 0;
  if (range && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) {
    start++;
    end--;
  }
  const literal = range !== undefined && source.slice(start, end) === raw && (node.type === 'PLAIN' || node.type?.startsWith('QUOTE') === true);
  const text = trim ? raw.trim() : raw;
  if (!literal) return { text, span: whole };
  const lead = trim ? raw.length - raw.trimStart().length : 0;
  return { text, span: spans.at(start + lead, start + lead + text.length) };
}
