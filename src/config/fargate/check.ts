/**
 * Checks one Fargate log router configuration, made of classic-format texts (the data keys of an
 * `aws-logging` ConfigMap, or files given with --fargate): every ordinary check of the classic
 * engine on the embedded sections, plus the Fargate rules, with positions mapped into the files
 * that hold the texts.
 */
import { checkTarget } from '../versions/check.js';
import type { FluentBitTarget } from '../versions/target.js';
import { makeDiagnostic, sortDiagnostics, type Diagnostic, type Span } from '../../diagnostics/diagnostic.js';
import { analyzeRouting } from '../analyze/routing.js';
import { parseClassic } from '../classic/parse.js';
import type { Section } from '../document/model.js';
import { buildPlan } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import { VariableScope } from '../resolve/env.js';
import type { LoadedConfig } from '../resolve/load.js';
import { LineIndex, mapDiagnostic, mapSection, mapSpan, type PositionMap } from './position-map.js';
import {
  checkInstance,
  checkPlacement,
  managedInput,
  metaNotAllowed,
  variableReferences,
  withFargateDefaults,
  type ConfigKey,
  type PlacedSection,
} from './rules.js';

/** One classic text of the configuration. */
export interface ConfigPart {
  /** The data key it comes from; undefined for a file given with --fargate (any section kind). */
  readonly role: ConfigKey | undefined;
  /** The file that holds the text (the manifest, or the .conf file). */
  readonly file: string;
  readonly text: string;
  /** Maps positions in `text` into `file`. */
  readonly map: PositionMap;
}

export interface FargateConfig {
  /** How messages name the configuration ("an aws-logging ConfigMap"). */
  readonly where: string;
  readonly parts: readonly ConfigPart[];
  /** The main file (the manifest, or the first .conf file) and every file read. */
  readonly main: string;
  readonly rootDir: string;
  readonly files: string[];
  readonly sources: Map<string, string>;
  /** Where the managed input and the generated [SERVICE] are located. */
  readonly anchor: Span;
  /** Where a missing output is reported. */
  readonly outputAt: Span;
  /** The Fluent Bit that runs it (`validate --target eks-fargate`). */
  readonly target?: FluentBitTarget | undefined;
}

export interface FargateCheck {
  readonly plan: Plan;
  readonly diagnostics: Diagnostic[];
}

/** Errors that leave sections unknown, so the routing analysis would guess. */
const STRUCTURAL = new Set<string>(['syntax-error', 'unknown-section', 'missing-name']);

export function checkFargateConfig(config: FargateConfig): FargateCheck {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const placed: PlacedSection[] = [];
  for (const part of config.parts) {
    const parsed = parseClassic(part.file, part.text);
    const lines = new LineIndex(part.text);
    const span = (start: number, end: number): Span => mapSpan(part.map, { file: part.file, start: lines.at(start), end: lines.at(end) });
    for (const d of parsed.diagnostics) report(relineHint(mapDiagnostic(part.map, d), part.map));
    for (const inc of parsed.file.includes) report(metaNotAllowed('@INCLUDE', mapSpan(part.map, inc.span), config.where));
    for (const v of parsed.file.variables) report(metaNotAllowed('@SET', mapSpan(part.map, v.span), config.where));
    for (const ref of variableReferences(part.text)) {
      report(
        makeDiagnostic({
          code: 'fargate-env-not-allowed',
          message: `'${ref.text}' is not allowed in ${config.where}; Fargate does not expand variables`,
          span: span(ref.start, ref.end),
          hint: 'write the value itself',
        }),
      );
    }
    for (const s of parsed.file.sections) placed.push({ section: mapSection(part.map, s), role: part.role });
  }

  const used = placed.filter((p) => checkPlacement(p, config.where, report)).map((p) => p.section);
  for (const s of used) checkInstance(s, report);
  const ofKind = (kind: Section['kind']) => used.filter((s) => s.kind === kind);
  const outputs = ofKind('output');
  if (outputs.length === 0) {
    report(
      makeDiagnostic({
        code: 'fargate-no-output',
        message: `${config.where} has no [OUTPUT]; Fargate disables logging`,
        span: config.outputAt,
        hint: 'add an output.conf key with an [OUTPUT] section: es, firehose, kinesis_firehose, cloudwatch, cloudwatch_logs or kinesis',
      }),
    );
  }

  const loaded = loadedConfig(config, [...ofKind('filter').map(withFargateDefaults), ...outputs], ofKind('parser'));
  const built = buildPlan(loaded);
  const all = [...diagnostics, ...built.diagnostics];
  const incomplete = all.some((d) => d.severity === 'error' && STRUCTURAL.has(d.code));
  if (!incomplete) all.push(...analyzeRouting(built.plan));
  if (config.target) all.push(...checkTarget(loaded, config.target));
  return { plan: built.plan, diagnostics: sortDiagnostics(tidy(all, config.anchor), config.files) };
}

/**
 * The configuration as Fluent Bit on Fargate loads it: the managed tail input, the user's filters
 * and outputs, and the parsers of parsers.conf read as a Parsers_File.
 */
function loadedConfig(config: FargateConfig, sections: Section[], parsers: Section[]): LoadedConfig {
  const at = config.anchor;
  const service: Section[] =
    parsers.length > 0 ? [{ kind: 'service', header: 'SERVICE', span: at, entries: [{ key: 'Parsers_File', value: 'parsers.conf', span: at, keySpan: at, valueSpan: at }] }] : [];
  const loaded = {
    main: config.main,
    format: 'classic' as const,
    rootDir: config.rootDir,
    files: config.files,
    sources: config.sources,
    sections: [...service, managedInput(at), ...sections],
    variables: [],
    // Fargate expands no variables: every reference is already an error.
    scope: new VariableScope({}),
    diagnostics: [],
    loadExtra: () => parsers,
  };
  return loaded;
}

/** The classic reader's indentation hint names a line of the text; name the line of the file instead. */
export function relineHint(d: Diagnostic, map: PositionMap): Diagnostic {
  const hint = d.hint?.replace(/\(set on line (\d+)\)/, (_m, n: string) => `(set on line ${map.position({ line: Number(n), column: 1, offset: 0 }).line})`);
  return hint === d.hint ? d : { ...d, hint };
}

const at = (d: Diagnostic) => `${d.file}:${d.line}:${d.column}`;

/**
 * Drops what a Fargate diagnostic already says (an unset variable and the required key it empties,
 * no output, no Match, an unsupported plugin that Fargate refuses anyway) and explains routing
 * problems of the managed input.
 */
function tidy(items: Diagnostic[], anchor: Span): Diagnostic[] {
  const covered = new Set(items.filter((d) => d.code === 'fargate-missing-match' || d.code === 'fargate-plugin-not-allowed').map(at));
  const variables = new Set(items.filter((d) => d.code === 'fargate-env-not-allowed').map(at));
  const anchorAt = `${anchor.file}:${anchor.start.line}:${anchor.start.column}`;
  return items
    .filter((d) => d.code !== 'undefined-variable' && d.code !== 'no-output')
    .filter((d) => !((d.code === 'no-match' || d.code === 'unsupported-plugin') && covered.has(at(d))))
    .filter((d) => !(d.code === 'missing-required' && variables.has(at(d))))
    .map((d) =>
      d.code === 'unrouted-input' && at(d) === anchorAt
        ? { ...d, hint: "this is Fargate's own tail input (Tag kube.*, files /var/log/containers/*.log): give an [OUTPUT] a Match such as kube.*" }
        : d,
    );
}
