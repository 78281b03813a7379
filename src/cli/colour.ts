/**
 * Whether the CLI colours its text output: on a terminal, unless NO_COLOR is set (no-color.org:
 * any non-empty value) or TERM is dumb; FORCE_COLOR overrides both ways (`FORCE_COLOR=1` colours a
 * pipe, `0` or `false` never colours), as Node.js and most tools read it.
 */
import { ANSI_STYLE, PLAIN_STYLE, type TextStyle } from '../diagnostics/text-style.js';
import type { CommandIo } from './io.js';

export function colourWanted(io: CommandIo, stream: 'stdout' | 'stderr'): boolean {
  const force = io.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (io.env['NO_COLOR']) return false;
  if (io.env['TERM'] === 'dumb') return false;
  return io.isTTY?.[stream] === true;
}

/** The text format's style for output written to `stream`. */
export function textStyle(io: CommandIo, stream: 'stdout' | 'stderr'): TextStyle {
  return colourWanted(io, stream) ? ANSI_STYLE : PLAIN_STYLE;
}
