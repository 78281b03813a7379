import type { ParsedFile } from '../document/model.js';

export interface PrintOptions {
  /** Indentation of key lines (default four spaces). */
  readonly indent?: string;
}

/**
 * Prints a parsed classic file back to classic text: `@SET`, `@INCLUDE` and sections in their
 * original order, keys indented uniformly, a blank line before each section. Reading the output
 * gives the same document (spans aside). Comments are not part of the document and are not printed.
 */
export function printClassic(file: ParsedFile, options: PrintOptions = {}): string {
  const indent = options.indent ?? '    ';
  const items: { offset: number; lines: string[]; section?: true }[] = [];
  for (const v of file.variables) items.push({ offset: v.span.start.offset, lines: [`@SET ${v.name}=${v.value}`] });
  for (const inc of file.includes) items.push({ offset: inc.span.start.offset, lines: [`@INCLUDE ${inc.path}`] });
  for (const s of file.sections) {
    items.push({ offset: s.span.start.offset, lines: [`[${s.header}]`, ...s.entries.map((e) => `${indent}${e.key} ${e.value}`)], section: true });
  }
  items.sort((a, b) => a.offset - b.offset);
  // Fluent Bit drops one "\r" before each "\n"; a line whose content ends in "\r" needs one more.
  // A blank line separates a section from what comes before it.
  return items
    .flatMap((i, n) => (n > 0 && i.section ? ['', ...i.lines] : i.lines))
    .map((line) => (line.endsWith('\r') ? `${line}\r\n` : `${line}\n`))
    .join('');
}
