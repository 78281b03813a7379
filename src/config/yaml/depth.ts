/**
 * A bound on YAML nesting, checked before the text reaches the yaml library: its composer recurses
 * once per level, and a few thousand levels exhaust the stack (at worst aborting the process when
 * V8 runs out of stack while compiling a regular expression). One linear pass over the text gives
 * an upper bound of the nesting at each point: block levels by indentation (and `- `, `? `, `: `
 * indicators at the start of a line), plus open flow collections (`[`, `{`). Quoted scalars,
 * comments and block scalar contents are skipped.
 */

/**
 * Deepest nesting logferry reads. Fluent Bit's YAML is a few levels deep (pipeline, inputs, a
 * plugin, processors, a processor's options); libyaml has no limit, and Fluent Bit rejects
 * collections where it expects values, so anything near this bound is an error there too.
 */
export const MAX_YAML_DEPTH = 256;

export interface TooDeep {
  /** Where the nesting goes past the bound: 0-based offset, 1-based line and column. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

const BLOCK_SCALAR = /(^|[\s:-])[|>][0-9+-]*$/;

/** Where `text` nests deeper than `max` (an upper bound on the real nesting), if anywhere. */
export function findTooDeep(text: string, max = MAX_YAML_DEPTH): TooDeep | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote = '';
  /** Indentation of the line that opened a block scalar, while its content lines are skipped. */
  let scalarIndent = -1;
  let start = 0;
  let line = 0;
  const at = (offset: number): TooDeep => ({ offset, line, column: offset - start + 1 });
  while (start <= text.length) {
    line++;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end && text[i] === ' ') i++;
    const indent = i - start;
    const blank = i === end || text[i] === '\r';
    if (scalarIndent >= 0 && (blank || indent > scalarIndent)) {
      start = end + 1;
      continue;
    }
    scalarIndent = -1;
    /** Block levels here: open ones, and on a block line its own and its compact indicators. */
    let depth = indents.length;
    if (quote === '' && flow === 0) {
      if (blank || text[i] === '#') {
        start = end + 1;
        continue;
      }
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      depth = indents.length;
      // Compact nesting on one line: `- - x`, `? key`, `- key: - x` is not YAML but counts anyway.
      while (i < end && '-?:'.includes(text[i]!) && (i + 1 === end || text[i + 1] === ' ' || text[i + 1] === '\t')) {
        depth++;
        i++;
        while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
      }
      if (depth > max) return at(i);
    }
    let contentEnd = end;
    for (; i < end; i++) {
      const c = text[i]!;
      if (quote !== '') {
        if (quote === '"' && c === '\\') i++;
        else if (c === quote) {
          if (quote === "'" && text[i + 1] === "'") i++;
          else quote = '';
        }
        continue;
      }
      const prev = i === start ? ' ' : text[i - 1]!;
      const nodeStart = prev === ' ' || prev === '\t' || (flow > 0 && '[{,:'.includes(prev));
      if (c === '#' && (prev === ' ' || prev === '\t' || i === start)) {
        contentEnd = i;
        break;
      }
      if ((c === '"' || c === "'") && nodeStart) quote = c;
      else if ((c === '[' || c === '{') && (flow > 0 || nodeStart)) {
        flow++;
        if (depth + flow > max) return at(i);
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    if (quote === '' && flow === 0 && BLOCK_SCALAR.test(text.slice(Math.max(start, contentEnd - 16), contentEnd).trimEnd())) scalarIndent = indent;
    start = end + 1;
  }
  return undefined;
}
