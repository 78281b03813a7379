import { readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import fg from 'fast-glob';
import { makeDiagnostic, type Diagnostic, type DiagnosticInit, type Span } from '../../diagnostics/diagnostic.js';
import { parseClassic } from '../classic/parse.js';
import type { ParsedFile, Section, Variable } from '../document/model.js';
import { VariableScope } from './env.js';

/** Fluent Bit refuses to load more than this many files (main + includes) at once. */
export const MAX_CONFIG_FILES = 1000;

export interface LoadOptions {
  /** Environment used for `${VAR}` lookups (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are first tried against, like Fluent Bit's process CWD (default: process.cwd()). */
  cwd?: string;
  /** Text of the main file, when it is not read from disk (its path still anchors relative includes). */
  text?: string;
}

/** A configuration with its includes inlined, before plugin options are interpreted. */
export interface LoadedConfig {
  /** Display name of the main file. */
  readonly main: string;
  /** Directory of the main file: Fluent Bit resolves relative includes and Parsers_File against it. */
  readonly rootDir: string;
  /** Every file read, main first, by display name. */
  readonly files: string[];
  /** Source text per display name (for diagnostics). */
  readonly sources: Map<string, string>;
  /** Sections of the main file and its includes, in Fluent Bit's order. */
  readonly sections: Section[];
  /** All `@SET` variables in the order they were read. */
  readonly variables: Variable[];
  readonly scope: VariableScope;
  readonly diagnostics: Diagnostic[];
  /** Reads another file (a Parsers_File) with the same reader and bookkeeping. */
  loadExtra(path: string, span: Span | undefined, what: string): Section[] | undefined;
}

interface FileIdentity {
  dev: number;
  ino: number;
}

/**
 * Reads the main classic config and its `@INCLUDE`s with Fluent Bit's rules (section 1.5):
 * a relative path is tried as given (against the CWD), then against the main file's directory;
 * a relative glob is always taken against the main file's directory; a glob with no match, a
 * missing file and a file read twice are errors.
 */
export function loadClassic(mainPath: string, options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const absMain = resolvePath(cwd, mainPath);
  const rootDir = dirname(absMain);
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const sources = new Map<string, string>();
  const seen: { id: FileIdentity; name: string }[] = [];
  const scope = new VariableScope(options.env ?? process.env);
  const variables: Variable[] = [];
  const report = (d: DiagnosticInit) => diagnostics.push(makeDiagnostic(d));

  const display = (abs: string) => {
    const rel = relative(cwd, abs);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  };

  const statOf = (p: string): Stats | undefined => {
    try {
      return statSync(p);
    } catch {
      return undefined;
    }
  };

  /** Reads and parses one file; returns its sections with includes inlined. */
  const readFile = (abs: string, text: string | undefined, via: Span | undefined, stack: string[]): Section[] => {
    const name = display(abs);
    if (files.length >= MAX_CONFIG_FILES) {
      report({ code: 'include-loop', message: `too many config files (Fluent Bit reads at most ${MAX_CONFIG_FILES})`, span: via, file: name });
      return [];
    }
    if (text === undefined) {
      const st = statOf(abs);
      if (st?.isDirectory()) {
        report({ code: 'unreadable-file', message: `'${name}' is a directory`, span: via, file: name });
        return [];
      }
      if (st) {
        const twice = seen.find((s) => s.id.dev === st.dev && s.id.ino === st.ino);
        if (twice) {
          const loop = stack.includes(twice.name);
          report({
            code: 'include-loop',
            message: loop ? `'${name}' includes itself (through ${[...stack, name].join(' -> ')})` : `'${name}' is included twice`,
            span: via,
            file: name,
            hint: 'Fluent Bit stops with "Read twice" when a file is included again',
          });
          return [];
        }
        seen.push({ id: { dev: st.dev, ino: st.ino }, name });
      }
      try {
        text = readFileSync(abs, 'utf8');
      } catch (err) {
        report({ code: 'unreadable-file', message: `cannot read '${name}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`, span: via, file: name });
        return [];
      }
    }
    files.push(name);
    sources.set(name, text);
    const parsed = parseClassic(name, text);
    diagnostics.push(...parsed.diagnostics);
    for (const v of parsed.file.variables) {
      variables.push(v);
      scope.set(v.name, v.value);
    }
    return inline(parsed.file, [...stack, name]);
  };

  const inline = (file: ParsedFile, stack: string[]): Section[] => {
    if (file.includes.length === 0) return file.sections;
    const out: Section[] = [];
    let next = 0;
    for (const inc of file.includes) {
      // An include's sections follow the sections that started before it in the including file.
      const before = file.sections.filter((s) => s.span.start.offset < inc.span.start.offset);
      while (next < before.length) out.push(file.sections[next++]!);
      out.push(...include(inc.path, inc.span, stack));
    }
    while (next < file.sections.length) out.push(file.sections[next++]!);
    return out;
  };

  const include = (path: string, span: Span, stack: string[]): Section[] => {
    if (path.includes('*')) {
      const pattern = isAbsolute(path) ? path : `${fg.escapePath(rootDir.split('\\').join('/'))}/${path}`;
      const matches = fg.sync(pattern, { onlyFiles: true, dot: true, absolute: true }).sort();
      if (matches.length === 0) {
        report({
          code: 'include-not-found',
          message: `@INCLUDE ${path}: no file matches`,
          span,
          hint: 'Fluent Bit stops when an @INCLUDE glob matches nothing; relative globs are taken from the main file\'s directory',
        });
        return [];
      }
      return matches.flatMap((m) => readFile(m, undefined, span, stack));
    }
    const abs = locate(path);
    if (!abs) {
      report({
        code: 'include-not-found',
        message: `@INCLUDE ${path}: file not found`,
        span,
        hint: isAbsolute(path) ? undefined : `relative paths are looked up in the working directory, then in ${display(rootDir) || '.'}/ (the main file's directory, not the including file's)`,
      });
      return [];
    }
    return readFile(abs, undefined, span, stack);
  };

  /** Fluent Bit's relative-path rule for includes and Parsers_File: as given, then from the main file's directory. */
  const locate = (path: string): string | undefined => {
    const direct = resolvePath(cwd, path);
    if (statOf(direct)) return direct;
    if (isAbsolute(path)) return undefined;
    const fromRoot = join(rootDir, path);
    return statOf(fromRoot) ? fromRoot : undefined;
  };

  const sections = readFile(absMain, options.text, undefined, []);

  return {
    main: display(absMain),
    rootDir,
    files,
    sources,
    sections,
    variables,
    scope,
    diagnostics,
    loadExtra(path, span, what) {
      const abs = locate(path);
      if (!abs) {
        report({
          code: 'include-not-found',
          message: `${what} ${path}: file not found`,
          span,
          hint: isAbsolute(path) ? undefined : `relative paths are looked up in the working directory, then in ${display(rootDir) || '.'}/`,
        });
        return undefined;
      }
      return readFile(abs, undefined, span, []);
    },
  };
}
