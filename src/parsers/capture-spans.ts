/**
 * Where each capture of a match starts, without the `d` flag (`hasIndices`, which made V8's exec
 * of the apache pattern more than twice as slow: bench/NOTES.md, issue 18, 2026-12-08).
 *
 * The pattern is rewritten so that every part whose length is not fixed and that stands before a
 * capture is itself captured: a capture's start is then the match start plus fixed lengths plus the
 * lengths of captures before it, all read from the match. For the apache pattern three captures
 * are added (the `[^ ]*` between host and user, the spaces before the path, the optional group
 * around the path). Adding parentheses changes nothing of what matches or what the other groups
 * capture; the captures' numbers change, and the rewrite gives each old number its new one.
 *
 * Lengths are counted as one unit per character class, escape or `.`, which is exact for texts
 * whose characters are all single UTF-16 units (no surrogate pair): callers use it only for those.
 *
 * Patterns the rewrite does not read (backreferences, a capture under a repeating quantifier or in
 * a lookaround, a group syntax other than `(`, `(?:`, `(?<name>`, lookarounds, the `v` flag) have
 * no spans: the caller reads the captures' strings instead.
 */

/** How a capture's start is found: `ref`'s start (0: the match's), plus its length when `refEnd`, plus `add`. */
export interface SpanRule {
  readonly ref: number;
  readonly refEnd: boolean;
  readonly add: number;
}

export interface CaptureSpans {
  /** The rewritten pattern (same flags). */
  readonly regexp: RegExp;
  /** Capture number in `regexp` of each capture of the pattern given (index = old number; 0 unused). */
  readonly numbers: readonly number[];
  /** Rule of each capture of `regexp` (index = its number; 0 unused). */
  readonly rules: readonly SpanRule[];
  /** The most captures of the pattern given that hold one same character (1 when none nest). */
  readonly depth: number;
  /** `rules` as columns (what `spanStarts` reads): ref, 1 for refEnd, add. */
  readonly refs: Int32Array;
  readonly refEnds: Uint8Array;
  readonly adds: Int32Array;
}

class Unsupported extends Error {}

const LOOKAROUNDS = ['(?=', '(?!', '(?<=', '(?<!'];

interface Position {
  ref: number;
  refEnd: boolean;
  add: number;
}

interface Atom {
  /** Source text (a group: its opening, e.g. `(?:`; its branches follow in `branches`). */
  readonly open: string;
  readonly branches?: Atom[][];
  /** Fixed length in units (-1: varies). */
  readonly length: number;
  readonly capture: boolean;
  readonly lookaround: boolean;
  /** The quantifier written after it ('' for none). */
  quantifier: string;
}

class Reader {
  i = 0;
  captures = 0;
  depth = 0;
  maxDepth = 0;
  constructor(readonly src: string) {}

  alternation(): Atom[][] {
    const branches: Atom[][] = [this.branch()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.branch());
    }
    return branches;
  }

  private branch(): Atom[] {
    const items: Atom[] = [];
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined || c === '|' || c === ')') return items;
      const atom = this.atom();
      atom.quantifier = this.quantifier();
      items.push(atom);
    }
  }

  private quantifier(): string {
    const src = this.src;
    const start = this.i;
    const c = src[this.i];
    if (c === '*' || c === '+' || c === '?') this.i++;
    else if (c === '{') {
      const m = /^\{\d+(?:,\d*)?\}/.exec(src.slice(this.i));
      if (m === null) throw new Unsupported();
      this.i += m[0].length;
    } else return '';
    if (src[this.i] === '?') this.i++;
    return src.slice(start, this.i);
  }

  private atom(): Atom {
    const src = this.src;
    const start = this.i;
    const c = src[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') {
      this.i++;
      while (this.i < src.length && src[this.i] !== ']') this.i += src[this.i] === '\\' ? 2 : 1;
      if (this.i >= src.length) throw new Unsupported();
      this.i++;
      return plain(src.slice(start, this.i), 1);
    }
    if (c === '\\') return this.escape();
    this.i++;
    if (c === '^' || c === '$') return plain(c, 0);
    if (c === '*' || c === '+' || c === '?' || c === '{' || c === '}' || c === ']') throw new Unsupported();
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff && this.i < src.length) {
      this.i++;
      return plain(src.slice(start, this.i), 2);
    }
    return plain(c, 1);
  }

  private escape(): Atom {
    const src = this.src;
    const start = this.i;
    const c = src[this.i + 1];
    if (c === undefined || c === 'k' || (c >= '1' && c <= '9')) throw new Unsupported();
    this.i += 2;
    if (c === 'b' || c === 'B') return plain(src.slice(start, this.i), 0);
    if (c === 'p' || c === 'P' || (c === 'u' && src[this.i] === '{')) {
      const close = src.indexOf('}', this.i);
      if (src[this.i] !== '{' || close < 0) throw new Unsupported();
      this.i = close + 1;
    } else if (c === 'x') this.i += 2;
    else if (c === 'u') this.i += 4;
    else if (c === 'c') this.i += 1;
    return plain(src.slice(start, this.i), 1);
  }

  private group(): Atom {
    const src = this.src;
    let open: string;
    let capture = false;
    let lookaround = false;
    if (src[this.i + 1] !== '?') {
      open = '(';
      capture = true;
    } else {
      const kind = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(src.slice(this.i, this.i + 260))?.[0];
      if (kind === undefined) throw new Unsupported();
      open = kind;
      lookaround = LOOKAROUNDS.includes(kind);
      capture = !lookaround && kind !== '(?:';
    }
    if (capture) {
      this.captures++;
      this.maxDepth = Math.max(this.maxDepth, ++this.depth);
    }
    this.i += open.length;
    const branches = this.alternation();
    if (capture) this.depth--;
    if (src[this.i] !== ')') throw new Unsupported();
    this.i++;
    const length = lookaround ? 0 : fixedLength(branches);
    if (lookaround && branches.some(hasCapture)) throw new Unsupported();
    return { open, branches, length, capture, lookaround, quantifier: '' };
  }
}

function plain(text: string, length: number): Atom {
  return { open: text, length, capture: false, lookaround: false, quantifier: '' };
}

function fixedLength(branches: Atom[][]): number {
  let length = -1;
  for (const b of branches) {
    let n = 0;
    for (const a of b) {
      const l = atomLength(a);
      if (l < 0) return -1;
      n += l;
    }
    if (length >= 0 && n !== length) return -1;
    length = n;
  }
  return length;
}

/** Units an atom with its quantifier always takes, or -1. */
function atomLength(a: Atom): number {
  if (a.length <= 0 || a.quantifier === '') return a.length;
  const m = /^\{(\d+)(?:,(\d*))?\}\??$/.exec(a.quantifier);
  if (m === null || (m[2] !== undefined && m[2] !== m[1])) return -1;
  return a.length * Number(m[1]);
}

function hasCapture(items: Atom[]): boolean {
  return items.some((a) => a.capture || (a.branches !== undefined && a.branches.some(hasCapture)));
}

class Writer {
  out = '';
  /** Captures of the rewritten pattern so far. */
  count = 0;
  /** Captures of the original pattern so far. */
  old = 0;
  readonly numbers: number[] = [0];
  readonly rules: SpanRule[] = [{ ref: 0, refEnd: false, add: 0 }];

  branches(branches: Atom[][], at: Position): void {
    branches.forEach((items, k) => {
      if (k > 0) this.out += '|';
      this.branch(items, { ...at });
    });
  }

  private newCapture(at: Position | undefined): number {
    if (at === undefined) throw new Unsupported();
    this.rules.push({ ref: at.ref, refEnd: at.refEnd, add: at.add });
    return ++this.count;
  }

  private branch(items: Atom[], start: Position): void {
    let at: Position | undefined = start;
    for (let k = 0; k < items.length; k++) {
      const a = items[k]!;
      const length = atomLength(a);
      const inner = a.branches !== undefined && a.branches.some(hasCapture);
      if (a.capture) {
        // A repeated capture holds its last repetition: its start is not known from here.
        if (a.quantifier !== '' && a.quantifier !== '?' && a.quantifier !== '??') throw new Unsupported();
        const c = this.newCapture(at);
        this.old++;
        this.numbers[this.old] = c;
        this.out += '(';
        this.branches(a.branches!, { ref: c, refEnd: false, add: 0 });
        this.out += `)${a.quantifier}`;
        at = { ref: c, refEnd: true, add: 0 };
        continue;
      }
      if (length >= 0 && !inner) {
        this.emit(a);
        if (at !== undefined) at.add += length;
        continue;
      }
      // Varying length, or captures inside: captured itself when something after it needs a start.
      const needed = hasCapture(items.slice(k + 1));
      if (inner && a.quantifier !== '' && a.quantifier !== '?' && a.quantifier !== '??') throw new Unsupported();
      if (needed) {
        const c = this.newCapture(at);
        this.out += '(';
        this.emit(a, { ref: c, refEnd: false, add: 0 });
        this.out += ')';
        at = { ref: c, refEnd: true, add: 0 };
      } else {
        this.emit(a, at);
        at = undefined;
      }
    }
  }

  private emit(a: Atom, at?: Position): void {
    this.out += a.open;
    if (a.branches !== undefined) {
      if (a.branches.some(hasCapture)) this.branches(a.branches, at ?? undefinedPosition());
      else this.out += source(a.branches);
      this.out += ')';
    }
    this.out += a.quantifier;
  }
}

function undefinedPosition(): never {
  throw new Unsupported();
}

function source(branches: Atom[][]): string {
  return branches.map((items) => items.map((a) => a.open + (a.branches === undefined ? '' : `${source(a.branches)})`) + a.quantifier).join('')).join('|');
}

/** The spans of a RegExp with the `u` flag, or undefined when the rewrite does not read it. */
export function captureSpans(regexp: RegExp): CaptureSpans | undefined {
  if (!regexp.flags.includes('u') || Object.getPrototypeOf(regexp) !== RegExp.prototype) return undefined;
  try {
    const reader = new Reader(regexp.source);
    const branches = reader.alternation();
    if (reader.i !== regexp.source.length) return undefined;
    const writer = new Writer();
    writer.branches(branches, { ref: 0, refEnd: false, add: 0 });
    if (writer.old !== reader.captures) return undefined;
    const rules = writer.rules;
    return {
      regexp: new RegExp(writer.out, regexp.flags),
      numbers: writer.numbers,
      depth: Math.max(1, reader.maxDepth),
      rules,
      refs: Int32Array.from(rules, (r) => r.ref),
      refEnds: Uint8Array.from(rules, (r) => (r.refEnd ? 1 : 0)),
      adds: Int32Array.from(rules, (r) => r.add),
    };
  } catch {
    return undefined;
  }
}

/**
 * The start of every capture of a match of `spans.regexp` into `starts` (index = capture number,
 * 0: the match's); meaningful for the captures that took part in the match.
 */
export function spanStarts(spans: CaptureSpans, m: RegExpExecArray, starts: Int32Array): void {
  const { refs, refEnds, adds } = spans;
  starts[0] = m.index;
  for (let c = 1; c < refs.length; c++) {
    const ref = refs[c]!;
    let at = starts[ref]!;
    if (refEnds[c] !== 0) {
      const v = m[ref];
      if (v !== undefined) at += v.length;
    }
    starts[c] = at + adds[c]!;
  }
}
