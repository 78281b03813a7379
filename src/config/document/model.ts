import type { Span } from '../../diagnostics/diagnostic.js';

/**
 * The format-independent configuration document both readers (classic `.conf`, YAML) produce.
 * It knows no plugins: sections of key/value entries with their source spans, in file order,
 * after includes are inlined. Values are raw text: `${VAR}` expansion happens when the plan is built.
 */
export type SectionKind =
  | 'service'
  | 'input'
  | 'filter'
  | 'output'
  | 'parser'
  | 'multiline_parser'
  | 'plugins'
  | 'custom'
  | 'stream_processor'
  | 'upstream'
  | 'node';

/** The two configuration formats Fluent Bit reads (chosen by file extension: `.yaml`/`.yml` or classic). */
export type ConfigFormat = 'classic' | 'yaml';

export interface Entry {
  /**
   * The key as Fluent Bit sees it (case preserved; comparisons are case-insensitive). For YAML this
   * is after `flb_cf_key_translate` (`memBufLimit` becomes `mem_buf_limit`).
   */
  readonly key: string;
  /** The raw value, trimmed, before `${VAR}` expansion. */
  readonly value: string;
  /** The whole entry (key through value). */
  readonly span: Span;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  /** YAML: the key as written, when key translation changed it. */
  readonly writtenKey?: string;
  /** YAML: the value is one item of a list (the key repeated); the span of the whole list. */
  readonly listSpan?: Span;
  /**
   * YAML: the value is a nested map or list of maps (its source text is `value`). Only kept where
   * Fluent Bit accepts nested values (processors); elsewhere the reader reports it.
   */
  readonly nested?: boolean;
}

export interface Section {
  /** Recognised kind, or undefined for a header Fluent Bit would ignore. */
  readonly kind: SectionKind | undefined;
  /** The header text as written between the brackets. */
  readonly header: string;
  /** Span of the `[HEADER]` line. */
  readonly span: Span;
  readonly entries: Entry[];
  /** Sections nested in this one (YAML `processors`); empty for classic files. */
  readonly children?: Section[];
  /** The format of the file the section was read from (undefined: classic). */
  readonly format?: ConfigFormat;
  /** A line of this section could not be read (or its header is broken): presence checks are skipped. */
  damaged?: boolean;
}

/** A `@SET NAME=VALUE` (classic) or `env:` entry (YAML). */
export interface Variable {
  readonly name: string;
  readonly value: string;
  readonly span: Span;
}

/** One file as read, before includes are resolved. */
export interface ParsedFile {
  readonly file: string;
  /** The reader that produced it (undefined: classic). */
  readonly format?: ConfigFormat;
  readonly sections: Section[];
  readonly variables: Variable[];
  readonly includes: { readonly path: string; readonly span: Span }[];
}
