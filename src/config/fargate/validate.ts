/**
 * Entry points for `logferry validate`: a Kubernetes manifest holding ConfigMaps, and a set of
 * classic files checked together as one Fargate configuration (`--fargate`).
 */
import type { FluentBitTarget } from '../versions/target.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { makeDiagnostic, sortDiagnostics, type Diagnostic, type Span } from '../../diagnostics/diagnostic.js';
import type { Plan } from '../plan/types.js';
import { ConfigReadError, DEFAULT_READ_LIMITS, readBounded } from '../resolve/read-text.js';
import { checkFargateConfig } from './check.js';
import { checkManifest } from './configmap.js';
import { isYamlPath, readManifest } from './manifest.js';
import { IDENTITY_MAP } from './position-map.js';
import { FARGATE_MAX_CHARACTERS } from './rules.js';

export interface FargateValidation {
  /** Plans of the configurations checked with the Fargate rules. */
  readonly plans: Plan[];
  /** Every problem, sorted by file, line and column. */
  readonly diagnostics: Diagnostic[];
  readonly files: string[];
  readonly sources: Map<string, string>;
  readonly ok: boolean;
}

export interface FargateOptions {
  /** Directory relative paths are taken from (default: process.cwd()). */
  readonly cwd?: string;
  /** Apply the Fargate rules to every ConfigMap, whatever its name. */
  readonly fargate?: boolean;
  /** Variables for `${VAR}` in a ConfigMap holding a Fluent Bit configuration (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The data key of that configuration's main file (default: fluent-bit.conf, fluent-bit.yaml). */
  readonly main?: string | undefined;
  /** The Fluent Bit that runs a ConfigMap's configuration (`validate --target`). */
  readonly target?: FluentBitTarget | undefined;
}

function displayName(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** The file's text, within the configuration size limit, or why it cannot be read. */
function readText(abs: string): string | { readonly why: string } {
  try {
    return readBounded(abs, DEFAULT_READ_LIMITS);
  } catch (err) {
    return { why: err instanceof ConfigReadError ? err.message : ((err as NodeJS.ErrnoException).code ?? String(err)) };
  }
}

function result(plans: Plan[], diagnostics: Diagnostic[], sources: Map<string, string>): FargateValidation {
  const files = [...sources.keys()];
  const sorted = sortDiagnostics(diagnostics, files);
  return { plans, diagnostics: sorted, files, sources, ok: !sorted.some((d) => d.severity === 'error') };
}

/**
 * Validates a `.yaml`/`.yml` file that holds a ConfigMap (alone or among other documents).
 * Returns undefined when the file is not such a manifest, so the caller reads it otherwise.
 */
export function validateManifestFile(path: string, options: FargateOptions = {}): FargateValidation | undefined {
  if (!isYamlPath(path)) return undefined;
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, path);
  const text = readText(abs);
  if (typeof text !== 'string') return undefined;
  return validateManifestText(displayName(cwd, abs), text, dirname(abs), options);
}

/**
 * Validates a manifest's text already read (`logferry validate -` reads standard input), shown as
 * `name`; `rootDir` plays the directory of the file. Undefined when the text holds no ConfigMap.
 */
export function validateManifestText(name: string, text: string, rootDir: string, options: FargateOptions = {}): FargateValidation | undefined {
  const manifest = readManifest(name, text);
  if (!manifest) return undefined;
  const checked = checkManifest(manifest, { fargate: options.fargate === true, rootDir, env: options.env ?? process.env, main: options.main, target: options.target });
  return result(checked.plans, checked.diagnostics, new Map([[manifest.file, text]]));
}

/**
 * Validates classic files as the texts of one Fargate configuration (`--fargate`): their
 * [FILTER], [OUTPUT] and [PARSER] sections play the roles of filters.conf, output.conf and
 * parsers.conf; the size limit applies to the files' total length.
 */
export function validateFargateFiles(paths: readonly string[], options: FargateOptions = {}): FargateValidation {
  const cwd = options.cwd ?? process.cwd();
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const abs = resolve(cwd, path);
    const name = displayName(cwd, abs);
    const text = readText(abs);
    if (typeof text !== 'string') {
      diagnostics.push(makeDiagnostic({ code: 'unreadable-file', message: `cannot read '${name}': ${text.why}`, file: name }));
      continue;
    }
    sources.set(name, text);
  }
  const main = [...sources.keys()][0] ?? paths[0] ?? '';
  const start = { line: 1, column: 1, offset: 0 };
  const top: Span = { file: main, start, end: start };
  const characters = [...sources.values()].reduce((n, t) => n + [...t].length, 0);
  if (characters > FARGATE_MAX_CHARACTERS) {
    diagnostics.push(
      makeDiagnostic({
        code: 'fargate-too-large',
        message: `the configuration is ${characters.toLocaleString('en-US')} characters; Fargate accepts at most ${FARGATE_MAX_CHARACTERS.toLocaleString('en-US')}`,
        file: main,
        hint: 'counted as the total length of the files; remove comments and padding',
      }),
    );
  }
  const checked = checkFargateConfig({
    where: 'a Fargate configuration',
    parts: [...sources].map(([file, text]) => ({ role: undefined, file, text, map: IDENTITY_MAP })),
    main,
    rootDir: dirname(resolve(cwd, main)),
    files: [...sources.keys()],
    sources,
    anchor: top,
    outputAt: top,
    target: options.target,
  });
  return result([checked.plan], [...diagnostics, ...checked.diagnostics], sources);
}
