import type { ParsedFile } from '../document/model.js';

export interface PrintOptions {
  /** Indentation of key lines (default four spaces). */
  readonly indent?: string;
}

/**
 * Prints a parsed classic file back to classic text: `@SET`, `@INCLUDE` and sections in their
 * original order, keys indented uniformly. Reading the output gives the same document (spans
 * aside). Comments and blank lines are not part of the document and are not printed.
 */
export function printClassic(file: ParsedFile, options: PrintOptions = {}): string {
  const indent = options.indent ?? '    ';
  const items: { offset: number; lines: string[] }[] = [];
  for (const v of file.variables) items.push({ offset: v.span.start.offset, lines: [`@SET ${v.name}=${v.value}`] });
  for (const inc of file.includes) items.push({ offset: inc.span.start.offset, lines: [`@INCLUDE ${inc.path}`] });
  for (const s of file.sections) {
    items.push({ offset: s.span.start.offset, lines: [`[${s.header}]`, ...s.entries.map((e) => `${indent}${e.key} ${e.value}`)] });
  }
  items.sort((a, b) => a.offset - b.offset);
  // Fluent Bit drops one "\r" before each "\n"; a line whose content ends in "\r" needs one more.
  return items
    .flatMap((i) => i.lines)
    .map((line) => (line.endsWith('\r') ? `${line}\r\n` : `${line}\n`))
    .join('');
}
