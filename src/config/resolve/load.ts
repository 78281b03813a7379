import { dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { makeDiagnostic, type Diagnostic, type DiagnosticInit, type Span } from '../../diagnostics/diagnostic.js';
import { parseClassic } from '../classic/parse.js';
import type { ConfigFormat, ParsedFile, Section, Variable } from '../document/model.js';
import { parseYaml } from '../yaml/parse.js';
import { VariableScope } from './env.js';
import { DISK_FILES, type FileSource } from './files.js';
import { formatOfPath } from './format.js';
import { ConfigReadError, MAX_CONFIG_BYTES } from './read-text.js';

/** Fluent Bit refuses to load more than this many files (main + includes) at once. */
export const MAX_CONFIG_FILES = 1000;

/** Longest include path or glob (PATH_MAX, the buffer Fluent Bit builds include paths in). */
export const MAX_INCLUDE_PATH = 4096;

export interface LoadOptions {
  /** Environment used for `${VAR}` lookups (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are first tried against, like Fluent Bit's process CWD (default: process.cwd()). */
  cwd?: string;
  /** Text of the main file, when it is not read from disk (its path still anchors relative includes). */
  text?: string;
  /** Format of the main file (default: by its extension, `.yaml`/`.yml` or classic). */
  format?: ConfigFormat;
  /** Where files are read (default: the disk); `memoryFiles` for a ConfigMap's data keys. */
  files?: FileSource;
}

/** A configuration with its includes inlined, before plugin options are interpreted. */
export interface LoadedConfig {
  /** Display name of the main file. */
  readonly main: string;
  /** Format of the main file. */
  readonly format: ConfigFormat;
  /** Directory of the main file: Fluent Bit resolves relative includes and Parsers_File against it. */
  readonly rootDir: string;
  /** Every file read, main first, by display name. */
  readonly files: string[];
  /** Source text per display name (for diagnostics). */
  readonly sources: Map<string, string>;
  /** Sections of the main file and its includes, in Fluent Bit's order. */
  readonly sections: Section[];
  /** All `@SET` / YAML `env` variables in the order they were read. */
  readonly variables: Variable[];
  readonly scope: VariableScope;
  readonly diagnostics: Diagnostic[];
  /** Reads another file (a Parsers_File), in the format its extension names, with the same bookkeeping. */
  loadExtra(path: string, span: Span | undefined, what: string): Section[] | undefined;
}

/** One file being read: where it is and which reader it takes. */
interface Source {
  readonly abs: string;
  readonly format: ConfigFormat;
}

/** One tree of files read together (the main file and its includes, or one Parsers_File and its includes). */
interface Tree {
  /** YAML: where `service` was first defined (Fluent Bit allows one per tree). */
  service?: Span;
}

/**
 * Reads the main config (classic or YAML, by extension) and its includes with Fluent Bit's rules.
 * Classic `@INCLUDE` (section 1.5): a relative path is tried as given (against the CWD), then against
 * the main file's directory; a relative glob is always taken against the main file's directory.
 * YAML `includes` (section 2): relative paths and globs are taken against the including file's
 * directory. In both, a glob with no match, a missing file and a file read twice are errors, and an
 * included file is read in the format of the file that includes it, whatever its extension.
 */
export function loadConfig(mainPath: string, options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const absMain = resolvePath(cwd, mainPath);
  const rootDir = dirname(absMain);
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const sources = new Map<string, string>();
  const fs = options.files ?? DISK_FILES;
  const seen: { id: string; name: string }[] = [];
  const scope = new VariableScope(options.env ?? process.env);
  const variables: Variable[] = [];
  const report = (d: DiagnosticInit) => diagnostics.push(makeDiagnostic(d));
  /** Bytes of configuration text that may still be read (MAX_CONFIG_BYTES for all files together). */
  let budget = MAX_CONFIG_BYTES;

  const display = (abs: string) => {
    const rel = relative(cwd, abs);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  };

  const statOf = (p: string) => fs.stat(p);

  /** Reads and parses one file; returns its sections with includes inlined. */
  const readFile = (src: Source, text: string | undefined, via: Span | undefined, stack: string[], tree: Tree): Section[] => {
    const abs = src.abs;
    const name = display(abs);
    if (files.length >= MAX_CONFIG_FILES) {
      report({ code: 'include-loop', message: `too many config files (Fluent Bit reads at most ${MAX_CONFIG_FILES})`, span: via, file: name });
      return [];
    }
    if (text === undefined) {
      const st = statOf(abs);
      if (st?.directory) {
        report({ code: 'unreadable-file', message: `'${name}' is a directory`, span: via, file: name });
        return [];
      }
      if (st) {
        const twice = seen.find((s) => s.id === st.id);
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
        seen.push({ id: st.id, name });
      }
      try {
        text = fs.read(abs, { maxBytes: budget, lineLimit: src.format === 'classic' });
      } catch (err) {
        reportUnreadable(name, err, via);
        return [];
      }
      budget -= Buffer.byteLength(text, 'utf8');
    }
    files.push(name);
    sources.set(name, text);
    const parsed = src.format === 'yaml' ? parseYaml(name, text) : parseClassic(name, text);
    diagnostics.push(...parsed.diagnostics);
    for (const v of parsed.file.variables) {
      variables.push(v);
      scope.set(v.name, v.value);
    }
    return inline({ ...parsed.file, sections: oneService(parsed.file.sections, tree) }, src, [...stack, name], tree);
  };

  /** A file the reader refused or could not read: at the line the problem is on, else at the include. */
  const reportUnreadable = (name: string, err: unknown, via: Span | undefined) => {
    if (err instanceof ConfigReadError) {
      const at = err.line === undefined ? undefined : { line: err.line, column: 1, offset: 0 };
      report({ code: 'unreadable-file', message: `cannot read '${name}': ${err.message}`, span: at ? { file: name, start: at, end: at } : via, file: name, hint: err.hint });
      return;
    }
    report({ code: 'unreadable-file', message: `cannot read '${name}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`, span: via, file: name });
  };

  /** YAML: a second `service` in the same tree of includes stops Fluent Bit ("duplicated definition"). */
  const oneService = (sections: Section[], tree: Tree): Section[] =>
    sections.filter((s) => {
      if (s.format !== 'yaml' || s.kind !== 'service') return true;
      if (!tree.service) {
        tree.service = s.span;
        return true;
      }
      report({
        code: 'duplicate-key',
        message: `'service' is defined again (first in ${tree.service.file}:${tree.service.start.line}); Fluent Bit stops with "duplicated definition of 'service'"`,
        span: s.span,
        hint: 'keep one service map for the main file and its includes',
      });
      return false;
    });

  const inline = (file: ParsedFile, from: Source, stack: string[], tree: Tree): Section[] => {
    if (file.includes.length === 0) return file.sections;
    const out: Section[] = [];
    let next = 0;
    for (const inc of file.includes) {
      // An include's sections follow the sections that started before it in the including file.
      const before = file.sections.filter((s) => s.span.start.offset < inc.span.start.offset);
      while (next < before.length) out.push(file.sections[next++]!);
      out.push(...include(inc.path, inc.span, from, stack, tree));
    }
    while (next < file.sections.length) out.push(file.sections[next++]!);
    return out;
  };

  /**
   * One include. Classic: globs from the main file's directory, plain paths from the CWD then the
   * main file's directory. YAML: both from the including file's directory.
   */
  const include = (path: string, span: Span, from: Source, stack: string[], tree: Tree): Section[] => {
    const yaml = from.format === 'yaml';
    const base = yaml ? dirname(from.abs) : rootDir;
    const what = yaml ? `includes: '${path}'` : `@INCLUDE ${path}`;
    const where = yaml
      ? `${display(base) || '.'}/ (the including file's directory)`
      : `${display(rootDir) || '.'}/ (the main file's directory, not the including file's)`;
    if (path.length > MAX_INCLUDE_PATH) {
      report({ code: 'include-not-found', message: `${what.slice(0, 60)}...: the path is ${path.length.toLocaleString('en-US')} characters long; paths are at most ${MAX_INCLUDE_PATH} (PATH_MAX)`, span });
      return [];
    }
    if (path.includes('*')) {
      let matches: string[];
      try {
        matches = fs.glob(base, path);
      } catch (err) {
        report({ code: 'include-not-found', message: `${what}: the pattern cannot be read: ${err instanceof Error ? err.message : String(err)}`, span });
        return [];
      }
      if (matches.length === 0) {
        report({
          code: 'include-not-found',
          message: `${what}: no file matches`,
          span,
          hint: yaml
            ? `Fluent Bit stops when an include glob matches nothing; relative globs are taken from ${where}`
            : "Fluent Bit stops when an @INCLUDE glob matches nothing; relative globs are taken from the main file's directory",
        });
        return [];
      }
      return matches.flatMap((m) => readIncluded({ abs: m, format: from.format }, span, stack, tree));
    }
    const abs = yaml ? (statOf(resolvePath(base, path)) ? resolvePath(base, path) : undefined) : locate(path);
    if (!abs) {
      report({
        code: 'include-not-found',
        message: `${what}: file not found`,
        span,
        hint: isAbsolute(path) ? undefined : yaml ? `relative paths are taken from ${where}` : `relative paths are looked up in the working directory, then in ${where}`,
      });
      return [];
    }
    return readIncluded({ abs, format: from.format }, span, stack, tree);
  };

  /** An included file takes the including file's format; say so when its extension names the other one. */
  const readIncluded = (src: Source, span: Span, stack: string[], tree: Tree): Section[] => {
    if (formatOfPath(src.abs) !== src.format) {
      const as = src.format === 'yaml' ? 'YAML' : 'a classic file';
      report({
        code: 'syntax-error',
        severity: 'warning',
        message: `'${display(src.abs)}' is read as ${as}, like the file that includes it, whatever its extension`,
        span,
        hint: 'Fluent Bit reads included files in the format of the including file; only the main file and Parsers_File are chosen by extension',
      });
    }
    return readFile(src, undefined, span, stack, tree);
  };

  /** Fluent Bit's relative-path rule for includes and Parsers_File: as given, then from the main file's directory. */
  const locate = (path: string): string | undefined => {
    const direct = resolvePath(cwd, path);
    if (statOf(direct)) return direct;
    if (isAbsolute(path)) return undefined;
    const fromRoot = join(rootDir, path);
    return statOf(fromRoot) ? fromRoot : undefined;
  };

  const format = options.format ?? formatOfPath(mainPath);
  const sections = readFile({ abs: absMain, format }, options.text, undefined, [], {});

  return {
    main: display(absMain),
    format,
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
        // Fluent Bit logs "could not open parser configuration file" and starts without its parsers.
        report({
          code: 'include-not-found',
          severity: 'warning',
          message: `${what} ${path}: file not found; Fluent Bit logs an error and starts without the parsers it would define`,
          span,
          hint: isAbsolute(path) ? undefined : `relative paths are looked up in the working directory, then in ${display(rootDir) || '.'}/`,
        });
        return undefined;
      }
      return readFile({ abs, format: formatOfPath(abs) }, undefined, span, [], {});
    },
  };
}

/** @deprecated the loader reads both formats: use `loadConfig`. */
export const loadClassic = loadConfig;
