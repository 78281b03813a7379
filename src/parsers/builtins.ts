/**
 * Multiline parsers Fluent Bit always defines (`flb_ml_parser_builtin_create` in
 * `src/multiline/flb_ml_parser.c`, 4.2.8), whatever the configuration says. A `multiline.parser`
 * may name these without any Parsers_File.
 *
 * Nothing else is built in: the single-line parsers of the stock `conf/parsers.conf` (`docker`,
 * `cri`, `json`, `apache`, `nginx`, `syslog-rfc5424`, ...) only exist when a `Parsers_File`
 * defines them.
 */

/** Names of the built-in multiline parsers, in Fluent Bit's registration order (lowercase). */
export const BUILTIN_MULTILINE_PARSERS: readonly string[] = ['docker', 'cri', 'java', 'go', 'ruby', 'python'];

/** One line per built-in multiline parser (shown by `logferry explain`). */
export const BUILTIN_MULTILINE_PARSER_DOCS: Readonly<Record<string, string>> = {
  docker:
    'Docker json-file lines: parses the JSON envelope (time key `time`, kept), joins `log` fragments split at 16 KB until one ends with a newline; grouped by `stream`',
  cri:
    'CRI (containerd, CRI-O) lines `<time> <stream> <P|F> <log>`: joins partial (P) fragments until the final (F) one; grouped by `stream`',
  java: 'Java (and C#) exception stack traces: an exception line followed by `at ...` frames, `Caused by:`/`Suppressed:` and `... N more` lines',
  go: 'Go panics: `panic:` or `http: panic serving` followed by `goroutine N [...]:` and its stack frames',
  ruby: 'Ruby backtraces: `file:line:in ...` followed by `from file:line:in ...` lines',
  python: 'Python tracebacks: `Traceback (most recent call last):`, the `File ...` lines with their code, up to the exception line',
};

/** Whether `name` is a built-in multiline parser (Fluent Bit looks names up case-insensitively). */
export function isBuiltinMultilineParser(name: string): boolean {
  return BUILTIN_MULTILINE_PARSERS.includes(name.trim().toLowerCase());
}
