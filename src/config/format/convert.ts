import { makeDiagnostic, sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { ConfigFormat } from '../document/model.js';
import { withHostname } from '../resolve/env.js';
import { loadConfig, type LoadOptions } from '../resolve/load.js';
import { collectModel } from './collect.js';
import { printClassicModel } from './to-classic.js';
import { printYaml, type Note } from './yaml-printer.js';

export interface ConvertOptions extends LoadOptions {
  readonly to: ConfigFormat;
  /**
   * Classic output: the Parsers_File value written in [SERVICE] for the parsers file (a name next
   * to the output file; Fluent Bit looks a relative name up in the working directory, then next to
   * the main file). Default `parsers.conf`.
   */
  readonly parsersFile?: string;
}

export interface ConvertResult {
  /** False when the configuration could not be read completely (then nothing is converted). */
  readonly ok: boolean;
  /** The converted main file. */
  readonly text: string;
  /** Classic output only: the parsers file, when the configuration has parsers. */
  readonly parsers: string | undefined;
  /** Read errors (when not ok), and notes on what the target format cannot carry. */
  readonly diagnostics: Diagnostic[];
  /** Every file read, main first, and their text (for printing diagnostics). */
  readonly files: string[];
  readonly sources: Map<string, string>;
}

/**
 * Converts a configuration (classic or YAML) to the other format, or rewrites it in the same one.
 * The output is one file: includes are inlined (which sidesteps their different relative-path
 * rules), `@SET` and `env` carry the same variables with `${VAR}` references kept, repeated keys
 * and YAML lists map onto each other. Parsers from every Parsers_File go into YAML's `parsers` /
 * `multiline_parsers`, or, for classic, into a separate parsers file. Never throws.
 */
export function convertConfig(path: string, options: ConvertOptions): ConvertResult {
  const config = loadConfig(path, { ...options, env: withHostname(options.env ?? process.env) });
  const notes: Diagnostic[] = [];
  const note: Note = (message, span, hint) => notes.push(makeDiagnostic({ code: 'lossy-conversion', message, span, file: config.main, hint }));
  const model = collectModel(config, note);
  // A section Fluent Bit ignores is left out with a note; any other error means the configuration was not read completely.
  const errors = config.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'unknown-section');
  const result = { files: config.files, sources: config.sources };
  if (errors.length > 0) {
    return { ...result, ok: false, text: '', parsers: undefined, diagnostics: sortDiagnostics(errors, config.files) };
  }
  if (options.to === 'yaml') {
    return { ...result, ok: true, text: printYaml(model, note), parsers: undefined, diagnostics: sortDiagnostics(notes, config.files) };
  }
  const classic = printClassicModel(model, options.parsersFile ?? 'parsers.conf', note);
  return { ...result, ok: true, text: classic.main, parsers: classic.parsers, diagnostics: sortDiagnostics(notes, config.files) };
}
