import type { Diagnostic, Span } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { PluginDefinition, PluginKind, SectionDefinition } from '../../options/define.js';
import { INPUT_COMMON, FILTER_COMMON, OUTPUT_COMMON } from '../../options/common.js';
import type { OptionTable } from '../../options/spec.js';
import { BUILTIN_MULTILINE_PARSERS } from '../../parsers/builtins.js';
import { PLUGINS, UNSUPPORTED_PLUGINS, findPlugin } from '../../plugins/registry.js';
import type { Section } from '../document/model.js';
import type { LoadedConfig } from '../resolve/load.js';
import serviceSection from '../sections/service.js';
import parserSection from '../sections/parser.js';
import multilineParserSection from '../sections/multiline-parser.js';
import { checkContext, interpretSection, type Interpreted, type RepeatPolicy } from './interpret.js';
import type { MultilineParserPlan, ParserPlan, Plan, PlanInstance, ServiceOptions } from './types.js';

const COMMON: Record<PluginKind, OptionTable> = { input: INPUT_COMMON, filter: FILTER_COMMON, output: OUTPUT_COMMON };
const KIND_LABEL: Record<PluginKind, string> = { input: 'INPUT', filter: 'FILTER', output: 'OUTPUT' };

export interface BuildResult {
  plan: Plan;
  diagnostics: Diagnostic[];
}

/** Turns a loaded configuration into the typed Plan, reporting every problem found on the way. */
export function buildPlan(config: LoadedConfig): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const scope = config.scope;

  // [PARSER] and [MULTILINE_PARSER] are only read from Parsers_File.
  for (const s of config.sections) {
    if (s.kind === 'parser' || s.kind === 'multiline_parser') {
      report(
        makeDiagnostic({
          code: 'parser-in-main-file',
          message: `[${s.header}] is not valid in the main configuration file`,
          span: s.span,
          hint: 'Fluent Bit only reads parsers from a file named by [SERVICE] Parsers_File; move this section there',
        }),
      );
    }
  }

  // [SERVICE]: all sections merged, applied in order, the last value of a key wins.
  const serviceSections = config.sections.filter((s) => s.kind === 'service');
  const mergedService: Section | undefined = serviceSections[0]
    ? { ...serviceSections[0], entries: serviceSections.flatMap((s) => s.entries) }
    : undefined;
  const service = interpretSection(mergedService ?? emptySection(config.main), {
    where: '[SERVICE]',
    table: serviceSection.options,
    scope,
    report,
    repeat: () => 'last-wins',
    unknownSeverity: 'warning',
    unknownNote: '; Fluent Bit ignores it',
  });
  if (mergedService) runCheck(serviceSection, mergedService, service, report);

  // Parsers_File: each occurrence loads a file.
  const parserSections: Section[] = [];
  for (const e of service.entries) {
    if (e.key !== 'parsers_file') continue;
    const loaded = config.loadExtra(String(e.value), e.span, 'Parsers_File');
    if (loaded) parserSections.push(...loaded.filter((s) => s.kind === 'parser' || s.kind === 'multiline_parser'));
  }
  const parsers = buildParsers(parserSections, config, report);
  const multilineParsers = buildMultilineParsers(parserSections, config, parsers, report);

  const instances: Record<PluginKind, PlanInstance[]> = { input: [], filter: [], output: [] };
  const counters = new Map<string, number>();
  for (const section of config.sections) {
    const kind = section.kind;
    if (kind !== 'input' && kind !== 'filter' && kind !== 'output') {
      if (kind === 'custom' || kind === 'stream_processor' || kind === 'plugins') {
        report(
          makeDiagnostic({
            code: 'unsupported-plugin',
            message: `[${section.header}] sections are not supported by logferry; this section is ignored`,
            span: section.span,
          }),
        );
      }
      continue;
    }
    const instance = buildInstance(kind, section, config, counters, parsers, multilineParsers, report);
    if (instance) instances[kind].push(instance);
  }

  const plan: Plan = {
    main: config.main,
    files: config.files,
    service: service.values as unknown as ServiceOptions,
    inputs: instances.input as PlanInstance<'input'>[],
    filters: instances.filter as PlanInstance<'filter'>[],
    outputs: instances.output as PlanInstance<'output'>[],
    parsers,
    multilineParsers,
  };
  return { plan, diagnostics };
}

function emptySection(file: string): Section {
  const pos = { line: 1, column: 1, offset: 0 };
  return { kind: 'service', header: 'SERVICE', span: { file, start: pos, end: pos }, entries: [] };
}

/** Runs a table's cross-key rules, only when every value parsed and required keys are present (no cascades). */
function runCheck(def: SectionDefinition | PluginDefinition, section: Section, interpreted: Interpreted, report: (d: Diagnostic) => void): void {
  if (!def.check || interpreted.errors > 0) return;
  def.check(interpreted.values as never, checkContext(section, interpreted, def.options, report));
}

function buildParsers(sections: Section[], config: LoadedConfig, report: (d: Diagnostic) => void): Map<string, ParserPlan> {
  const parsers = new Map<string, ParserPlan>();
  for (const section of sections) {
    if (section.kind !== 'parser') continue;
    const nameEntry = section.entries.find((e) => e.key.toLowerCase() === 'name');
    const label = nameEntry ? `[PARSER] ${nameEntry.value}` : '[PARSER]';
    const interpreted = interpretSection(section, {
      where: label,
      table: parserSection.options,
      scope: config.scope,
      report,
      repeat: () => 'first-wins',
      skipRequired: section.damaged === true,
    });
    runCheck(parserSection, section, interpreted, report);
    const name = interpreted.values['name'];
    if (typeof name !== 'string') continue;
    const existing = parsers.get(name);
    if (existing) {
      report(
        makeDiagnostic({
          code: 'duplicate-parser',
          message: `parser '${name}' is defined twice (first at ${existing.span.file}:${existing.span.start.line})`,
          span: nameEntry?.valueSpan ?? section.span,
          hint: 'Fluent Bit logs "parser named ... already exists" and fails to load the parsers file',
        }),
      );
      continue;
    }
    parsers.set(name, { name, options: interpreted.values as unknown as ParserPlan['options'], span: section.span });
  }
  return parsers;
}

function buildMultilineParsers(
  sections: Section[],
  config: LoadedConfig,
  parsers: ReadonlyMap<string, ParserPlan>,
  report: (d: Diagnostic) => void,
): Map<string, MultilineParserPlan> {
  const result = new Map<string, MultilineParserPlan>();
  for (const name of BUILTIN_MULTILINE_PARSERS) result.set(name, { name, builtin: true, options: undefined, span: undefined });
  for (const section of sections) {
    if (section.kind !== 'multiline_parser') continue;
    const nameEntry = section.entries.find((e) => e.key.toLowerCase() === 'name');
    const interpreted = interpretSection(section, {
      where: nameEntry ? `[MULTILINE_PARSER] ${nameEntry.value}` : '[MULTILINE_PARSER]',
      table: multilineParserSection.options,
      scope: config.scope,
      report,
      repeat: () => 'first-wins',
      skipRequired: section.damaged === true,
    });
    runCheck(multilineParserSection, section, interpreted, report);
    checkReferences(multilineParserSection.options, section, interpreted, parsers, result, report);
    const name = interpreted.values['name'];
    if (typeof name !== 'string') continue;
    const key = name.toLowerCase();
    const existing = result.get(key);
    if (existing) {
      report(
        makeDiagnostic({
          code: 'duplicate-parser',
          severity: existing.builtin ? 'warning' : 'error',
          message: existing.builtin
            ? `multiline parser '${name}' has the name of a built-in; Fluent Bit uses the built-in one`
            : `multiline parser '${name}' is defined twice (first at ${existing.span?.file}:${existing.span?.start.line})`,
          span: nameEntry?.valueSpan ?? section.span,
          hint: 'give it another name',
        }),
      );
      continue;
    }
    result.set(key, { name, builtin: false, options: interpreted.values as unknown as MultilineParserPlan['options'], span: section.span });
  }
  return result;
}

/** Reports values of `references` options that name no parser / multiline parser. */
function checkReferences(
  table: OptionTable,
  section: Section,
  interpreted: Interpreted,
  parsers: ReadonlyMap<string, ParserPlan>,
  multiline: ReadonlyMap<string, MultilineParserPlan>,
  report: (d: Diagnostic) => void,
): void {
  for (const entry of interpreted.entries) {
    const spec = table[entry.key];
    if (!spec?.references) continue;
    const names = Array.isArray(entry.value) ? (entry.value as unknown[]) : [entry.value];
    for (const raw of names) {
      if (typeof raw !== 'string') continue;
      const span = findValueSpan(section, entry.span, raw);
      if (spec.references === 'parser') {
        if (parsers.has(raw)) continue;
        const guess = didYouMean(raw, parsers.keys());
        report(
          makeDiagnostic({
            code: 'unknown-parser',
            message: `parser '${raw}' is not defined`,
            span,
            hint: guess
              ? `did you mean '${guess}'?`
              : parsers.size === 0
                ? 'no parsers are loaded: set [SERVICE] Parsers_File to the file that defines it'
                : 'define it in a [PARSER] section of a Parsers_File (names are case-sensitive)',
          }),
        );
      } else {
        if (multiline.has(raw.toLowerCase())) continue;
        const guess = didYouMean(raw, multiline.keys());
        report(
          makeDiagnostic({
            code: 'unknown-parser',
            message: `multiline parser '${raw}' is not defined`,
            span,
            hint: guess ? `did you mean '${guess}'?` : `built-in multiline parsers are ${BUILTIN_MULTILINE_PARSERS.join(', ')}; others need a [MULTILINE_PARSER] in a Parsers_File`,
          }),
        );
      }
    }
  }
}

/** Narrows an entry span to one name inside a comma list, when it can be found on the line. */
function findValueSpan(section: Section, entrySpan: Span, name: string): Span {
  const entry = section.entries.find((e) => e.span.start.offset === entrySpan.start.offset);
  if (!entry) return entrySpan;
  const idx = entry.value.indexOf(name);
  if (idx < 0 || entry.valueSpan.start.line !== entry.valueSpan.end.line) return entry.valueSpan;
  const start = { ...entry.valueSpan.start, column: entry.valueSpan.start.column + idx, offset: entry.valueSpan.start.offset + idx };
  const end = { ...start, column: start.column + name.length, offset: start.offset + name.length };
  return { file: entry.valueSpan.file, start, end };
}

function buildInstance(
  kind: PluginKind,
  section: Section,
  config: LoadedConfig,
  counters: Map<string, number>,
  parsers: ReadonlyMap<string, ParserPlan>,
  multiline: ReadonlyMap<string, MultilineParserPlan>,
  report: (d: Diagnostic) => void,
): PlanInstance | undefined {
  const label = KIND_LABEL[kind];
  const nameEntries = section.entries.filter((e) => e.key.toLowerCase() === 'name');
  const nameEntry = nameEntries[nameEntries.length - 1];
  if (!nameEntry) {
    if (section.damaged) return undefined;
    report(
      makeDiagnostic({
        code: 'missing-name',
        message: `[${section.header}] section has no Name`,
        span: section.span,
        hint: `add 'Name <plugin>' to say which ${kind} plugin this section configures`,
      }),
    );
    return undefined;
  }
  const name = config.scope.expand(nameEntry.value, nameEntry.valueSpan, (d) => report(makeDiagnostic(d))).trim();
  if (name.length === 0) {
    report(makeDiagnostic({ code: 'missing-name', message: `[${section.header}] section has an empty Name`, span: nameEntry.valueSpan }));
    return undefined;
  }
  const lower = name.toLowerCase();
  const definition = findPlugin(kind, lower);
  const unsupported = UNSUPPORTED_PLUGINS[kind][lower];
  if (!definition && unsupported === undefined) {
    const known = [...PLUGINS.filter((p) => p.kind === kind).map((p) => p.name), ...Object.keys(UNSUPPORTED_PLUGINS[kind])];
    const guess = didYouMean(lower, known);
    // Prefer a kind where logferry implements the plugin (stdout is both a filter and an output).
    const kinds = (['output', 'input', 'filter'] as const).filter((k) => k !== kind);
    const otherKind =
      kinds.find((k) => findPlugin(k, lower)) ?? kinds.find((k) => UNSUPPORTED_PLUGINS[k][lower] !== undefined);
    report(
      makeDiagnostic({
        code: 'unknown-plugin',
        message: `unknown ${kind} plugin '${name}'`,
        span: nameEntry.valueSpan,
        hint: otherKind
          ? `'${name}' is ${otherKind === 'filter' ? 'a' : 'an'} ${otherKind} plugin: put it in an [${KIND_LABEL[otherKind]}] section`
          : guess
            ? `did you mean '${guess}'?`
            : undefined,
      }),
    );
  } else if (!definition) {
    report(
      makeDiagnostic({
        code: 'unsupported-plugin',
        message: `${kind} plugin '${name}' (${unsupported}) is not supported by logferry yet; its keys are not checked and it will not run`,
        span: nameEntry.valueSpan,
      }),
    );
  }
  const table = definition?.options ?? COMMON[kind];
  // Generic keys (handled by Fluent Bit's core) are last-wins; a plugin's own keys may be set once.
  const common = COMMON[kind];
  const where = `[${label}] ${lower}`;
  const repeat = (key: string): RepeatPolicy => (Object.hasOwn(common, key) ? 'last-wins' : 'error');
  const interpreted = interpretSection(section, {
    where,
    table,
    scope: config.scope,
    report,
    repeat,
    skipUnknown: !definition,
    skipRequired: section.damaged === true,
    preset: new Map([['name', { value: name, entry: nameEntry }]]),
  });
  if (definition) {
    runCheck(definition, section, interpreted, report);
    checkReferences(definition.options, section, interpreted, parsers, multiline, report);
  }
  const n = counters.get(lower) ?? 0;
  counters.set(lower, n + 1);
  const id = `${lower}.${n}`;
  const alias = interpreted.values['alias'];
  return {
    kind,
    plugin: lower,
    id,
    displayName: typeof alias === 'string' ? alias : id,
    supported: definition !== undefined,
    definition,
    options: interpreted.values as PlanInstance['options'],
    setKeys: interpreted.setKeys,
    entries: interpreted.entries,
    span: section.span,
  };
}
