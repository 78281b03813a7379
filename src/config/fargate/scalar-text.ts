/**
 * Decoding of YAML scalars with the source position of every decoded character, so that a
 * classic config embedded in a ConfigMap value can be parsed as its own text and each position in
 * it mapped back into the manifest. Covers the styles a ConfigMap data value can have: literal
 * (`|`, `|-`, `|+`, `|2`) and folded (`>`) block scalars, double- and single-quoted scalars with
 * escapes and line folding, and plain scalars.
 *
 * The decoder is checked against the `yaml` package: when its text differs from the package's
 * value (some construct this decoder does not model), callers fall back to pointing at the scalar
 * as a whole.
 */

/** A decoded scalar: the text, and for each UTF-16 unit of it the source range it came from. */
export interface DecodedScalar {
  readonly text: string;
  /** Source offset of the first character producing `text[i]`. */
  readonly starts: readonly number[];
  /** Source offset just after the last character producing `text[i]`. */
  readonly ends: readonly number[];
}

export type ScalarStyle = 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'PLAIN';

class Builder {
  text = '';
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Indexes of characters that are literal white space (trimmed before a folded line break). */
  private readonly plainSpace: boolean[] = [];

  push(chars: string, start: number, end: number, plainSpace = false): void {
    for (let i = 0; i < chars.length; i++) {
      this.text += chars[i];
      this.starts.push(start);
      this.ends.push(end);
      this.plainSpace.push(plainSpace);
    }
  }

  /** Removes literal spaces and tabs at the end (YAML drops them before a folded line break). */
  trimPlainSpace(): void {
    let n = this.text.length;
    while (n > 0 && this.plainSpace[n - 1]) n--;
    this.truncate(n);
  }

  truncate(n: number): void {
    this.text = this.text.slice(0, n);
    this.starts.length = n;
    this.ends.length = n;
    this.plainSpace.length = n;
  }

  done(): DecodedScalar {
    return { text: this.text, starts: this.starts, ends: this.ends };
  }
}

/** The end of the line starting at `pos` (before `\r\n` or `\n`), and the start of the next line. */
function lineAt(src: string, pos: number): { end: number; next: number } {
  const nl = src.indexOf('\n', pos);
  if (nl < 0) return { end: src.length, next: src.length };
  return { end: nl > pos && src[nl - 1] === '\r' ? nl - 1 : nl, next: nl + 1 };
}

interface BlockLine {
  /** Offset of the first content character (after the block indentation). */
  readonly start: number;
  /** End of the line's text (before the line break). */
  readonly end: number;
  /** Line break range; `breakStart === breakEnd` when the file ends without one. */
  readonly breakStart: number;
  readonly breakEnd: number;
  readonly empty: boolean;
  /** Folded style: a more-indented line (starts with white space), whose breaks are kept. */
  readonly spaced: boolean;
}

/**
 * Decodes a block scalar whose indicator (`|` or `>`) is at `start`. `parentIndent` is the
 * indentation of the node that owns it (the mapping key's column, 0-based), used with an explicit
 * indentation indicator. `style` can force the literal reading of a folded scalar.
 */
export function decodeBlockScalar(src: string, start: number, parentIndent: number, style?: 'literal' | 'folded'): DecodedScalar {
  const folded = style ? style === 'folded' : src[start] === '>';
  let i = start + 1;
  let explicit: number | undefined;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  while (i < src.length && /[0-9+-]/.test(src[i]!)) {
    const c = src[i]!;
    if (c === '+') chomp = 'keep';
    else if (c === '-') chomp = 'strip';
    else explicit = Number(c);
    i++;
  }
  const lines = blockLines(src, lineAt(src, i).next, parentIndent, explicit === undefined ? undefined : parentIndent + explicit);
  const out = new Builder();
  let lastText = -1;
  lines.forEach((l, k) => {
    if (!l.empty) lastText = k;
  });
  for (let k = 0; k <= lastText; k++) {
    const line = lines[k]!;
    if (!line.empty) {
      for (let p = line.start; p < line.end; p++) out.push(src[p]!, p, p + 1);
    }
    if (k === lastText) break;
    if (!folded || line.empty) {
      out.push('\n', line.breakStart, line.breakEnd);
      continue;
    }
    // Folded: a break between two normal lines becomes a space, or is dropped before empty lines.
    let next = k + 1;
    while (next <= lastText && lines[next]!.empty) next++;
    const nextLine = lines[next]!;
    if (line.spaced || nextLine.spaced) out.push('\n', line.breakStart, line.breakEnd);
    else if (next === k + 1) out.push(' ', line.breakStart, line.breakEnd);
  }
  // Chomping: the final break and trailing empty lines.
  const last = lines[lastText];
  if (last && chomp !== 'strip' && last.breakEnd > last.breakStart) out.push('\n', last.breakStart, last.breakEnd);
  if (chomp === 'keep') {
    for (const l of lines.slice(lastText + 1)) if (l.breakEnd > l.breakStart) out.push('\n', l.breakStart, l.breakEnd);
  }
  return out.done();
}

/**
 * The lines of a block scalar's content, from `pos` to the first text line indented less than
 * the content (or not more than the parent, when the indentation is detected).
 */
function blockLines(src: string, pos: number, parentIndent: number, explicitIndent: number | undefined): BlockLine[] {
  const raw: { start: number; end: number; next: number; spaces: number; blank: boolean }[] = [];
  let indent = explicitIndent;
  while (pos < src.length) {
    const { end, next } = lineAt(src, pos);
    let spaces = 0;
    while (pos + spaces < end && src[pos + spaces] === ' ') spaces++;
    const blank = pos + spaces === end;
    if (!blank) {
      if (indent === undefined) {
        if (spaces <= parentIndent) break;
        indent = spaces;
      }
      if (spaces < indent) break;
    }
    raw.push({ start: pos, end, next, spaces, blank });
    pos = next;
  }
  // Only empty lines: the indentation is that of the most indented one.
  const n = indent ?? Math.max(0, ...raw.map((r) => r.spaces));
  return raw.map((r) => {
    const empty = r.blank && r.spaces <= n;
    const start = Math.min(r.start + n, r.end);
    const first = src[start];
    return { start, end: r.end, breakStart: r.end, breakEnd: r.next, empty, spaced: !empty && (first === ' ' || first === '\t') };
  });
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * Decodes a flow scalar (double-quoted, single-quoted or plain) whose source is `src[start, end)`
 * without the quotes. Line breaks fold: trailing and leading white space around a break is
 * dropped, a single break becomes a space, each further empty line a `\n`.
 */
export function decodeFlowScalar(src: string, start: number, end: number, style: 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'PLAIN'): DecodedScalar {
  const out = new Builder();
  let i = start;
  /** Skips a break and the white space of following lines; returns the breaks of empty lines. */
  const skipBreaks = (from: number): { next: number; emptyBreaks: [number, number][] } => {
    const emptyBreaks: [number, number][] = [];
    let p = lineAt(src, from).next;
    for (;;) {
      while (p < end && (src[p] === ' ' || src[p] === '\t')) p++;
      if (p < end && (src[p] === '\n' || src[p] === '\r')) {
        const { next } = lineAt(src, p);
        emptyBreaks.push([p, next]);
        p = next;
        continue;
      }
      return { next: p, emptyBreaks };
    }
  };
  while (i < end) {
    const c = src[i]!;
    if (c === '\n' || c === '\r') {
      out.trimPlainSpace();
      const { next, emptyBreaks } = skipBreaks(i);
      if (emptyBreaks.length === 0) out.push(' ', i, lineAt(src, i).next);
      else for (const [s, e] of emptyBreaks) out.push('\n', s, e);
      i = next;
      continue;
    }
    if (style === 'QUOTE_DOUBLE' && c === '\\') {
      const e = src[i + 1];
      if (e === '\n' || e === '\r') {
        // An escaped line break: the break and the next line's indentation vanish.
        const { next, emptyBreaks } = skipBreaks(i + 1);
        for (const [s, b] of emptyBreaks) out.push('\n', s, b);
        i = next;
        continue;
      }
      const digits = e === undefined ? undefined : HEX_ESCAPES[e];
      if (digits !== undefined) {
        const code = Number.parseInt(src.slice(i + 2, i + 2 + digits), 16);
        out.push(Number.isNaN(code) ? '' : String.fromCodePoint(code), i, i + 2 + digits);
        i += 2 + digits;
        continue;
      }
      const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
      out.push(simple ?? e ?? '', i, i + 2);
      i += 2;
      continue;
    }
    if (style === 'QUOTE_SINGLE' && c === "'" && src[i + 1] === "'") {
      out.push("'", i, i + 2);
      i += 2;
      continue;
    }
    out.push(c, i, i + 1, c === ' ' || c === '\t');
    i++;
  }
  return out.done();
}
