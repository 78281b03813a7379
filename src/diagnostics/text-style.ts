/**
 * How the text format marks up a diagnostic: plain, or with ANSI colours for a terminal (as
 * compilers print: the severity in its colour, the location and help in bold, the gutter dimmed).
 * Whether to colour is the caller's decision (the CLI: a TTY, NO_COLOR, FORCE_COLOR).
 */
import type { Severity } from './diagnostic.js';

export interface TextStyle {
  /** `error[code]`, the carets under the source, the summary's verdict. */
  severity(severity: Severity | 'ok', text: string): string;
  /** `file:line:column:` and `help:`. */
  emphasis(text: string): string;
  /** The gutter (`  |`, line number). */
  gutter(text: string): string;
}

export const PLAIN_STYLE: TextStyle = { severity: (_s, t) => t, emphasis: (t) => t, gutter: (t) => t };

const SEVERITY_COLOUR: Readonly<Record<Severity | 'ok', string>> = { error: '31', warning: '33', info: '36', ok: '32' };
const sgr = (codes: string, text: string) => `\u001b[${codes}m${text}\u001b[0m`;

export const ANSI_STYLE: TextStyle = {
  severity: (s, t) => sgr(`1;${SEVERITY_COLOUR[s] ?? '36'}`, t),
  emphasis: (t) => sgr('1', t),
  gutter: (t) => sgr('34', t),
};
