import { hostname } from 'node:os';
import type { Span } from '../../diagnostics/diagnostic.js';
import type { DiagnosticInit } from '../../diagnostics/diagnostic.js';
import { formatOfPath } from './format.js';

/**
 * `${NAME}` expansion with Fluent Bit's lookup order (`flb_env.c`): first the configuration's own
 * variables (`@SET`, YAML `env:`, and a preset HOSTNAME), then the process environment, where a
 * variable that is set but empty counts as unset. An unset variable expands to the empty string
 * with a warning. A `$` without braces is literal; there are no defaults and no nesting.
 */
export class VariableScope {
  private readonly vars = new Map<string, string>();

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  set(name: string, value: string): void {
    this.vars.set(name, value);
  }

  lookup(name: string): string | undefined {
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    const fromEnv = this.env[name];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }

  /**
   * Expands every `${NAME}` in `value`. `span` is where the value sits in its file, used to point
   * warnings at the reference itself when the span holds exactly the value's characters (a YAML
   * value with escapes or a multiline rule does not: then the whole span is used).
   */
  expand(value: string, span: Span | undefined, report: (d: DiagnosticInit) => void): string {
    if (!value.includes('${')) return value;
    const exact = span !== undefined && span.start.line === span.end.line && span.end.offset - span.start.offset === value.length;
    const at = (from: number, to: number) => (exact ? narrow(span, from, to) : span);
    let out = '';
    let i = 0;
    while (i < value.length) {
      const start = value.indexOf('${', i);
      if (start < 0) {
        out += value.slice(i);
        break;
      }
      out += value.slice(i, start);
      const end = value.indexOf('}', start + 2);
      if (end < 0) {
        report({
          code: 'invalid-value',
          severity: 'warning',
          message: `unterminated '\${' in '${value}'; Fluent Bit drops the rest of the value`,
          span: at(start, value.length),
          hint: 'close the reference with }',
        });
        break;
      }
      const name = value.slice(start + 2, end);
      const found = this.lookup(name);
      if (found === undefined) {
        report({
          code: 'undefined-variable',
          message: `variable \${${name}} is used but not set; it expands to an empty string`,
          span: at(start, end + 1),
          hint: span && formatOfPath(span.file) === 'yaml'
            ? `set it under env: (${name}: value), in the environment, or with --env ${name}=value`
            : `set it with @SET ${name}=value, in the environment, or with --env ${name}=value`,
        });
      } else {
        out += found;
      }
      i = end + 1;
    }
    return out;
  }
}

function narrow(span: Span, from: number, to: number): Span {
  const shift = (n: number) => ({ line: span.start.line, column: span.start.column + n, offset: span.start.offset + n });
  return { file: span.file, start: shift(from), end: shift(to) };
}

/** The environment Fluent Bit expands against: HOSTNAME is preset from gethostname() when unset or empty. */
export function withHostname(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out = { ...env };
  if (out['HOSTNAME'] === undefined || out['HOSTNAME'] === '') out['HOSTNAME'] = hostname();
  return out;
}
