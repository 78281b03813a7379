import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import type { PluginKind } from '../../options/define.js';
import { BUILTIN_MULTILINE_PARSERS } from '../../parsers/builtins.js';
import type { Section } from '../document/model.js';
import type { LoadedConfig } from '../resolve/load.js';
import serviceSection from '../sections/service.js';
import parserSection from '../sections/parser.js';
import multilineParserSection from '../sections/multiline-parser.js';
import { buildInstance, type InstanceContext } from './instance.js';
import { resolveRoutes } from './routes.js';
import { interpretSection, runCheck } from './interpret.js';
import { checkReferences } from './references.js';
import { inputStorageType } from './storage-type.js';
import type { MultilineParserPlan, ParserPlan, Plan, PlanInstance, ServiceOptions } from './types.js';

export interface BuildResult {
  plan: Plan;
  diagnostics: Diagnostic[];
}

/** Turns a loaded configuration into the typed Plan, reporting every problem found on the way. */
export function buildPlan(config: LoadedConfig): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const scope = config.scope;

  // Classic: [PARSER] and [MULTILINE_PARSER] are only read from Parsers_File (YAML allows them anywhere).
  for (const s of config.sections) {
    if ((s.kind === 'parser' || s.kind === 'multiline_parser') && s.format !== 'yaml') {
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
    where: config.format === 'yaml' ? 'service' : '[SERVICE]',
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
    const loaded = config.loadExtra(String(e.value), e.span, mergedService?.format === 'yaml' ? 'parsers_file' : 'Parsers_File');
    if (loaded) parserSections.push(...loaded.filter(isParser));
  }
  // YAML parsers of the main file and its includes are loaded after the Parsers_File ones.
  parserSections.push(...config.sections.filter((s) => isParser(s) && s.format === 'yaml'));
  const parsers = buildParsers(parserSections, config, report);
  const multilineParsers = buildMultilineParsers(parserSections, config, parsers, report);

  const instances: Record<PluginKind, PlanInstance[]> = { input: [], filter: [], output: [] };
  const ctx: InstanceContext = { scope, parsers, multiline: multilineParsers, report, counters: new Map(), processorCounters: new Map(), configDir: config.rootDir, routes: new Map() };
  for (const section of config.sections) {
    const kind = section.kind;
    if (kind !== 'input' && kind !== 'filter' && kind !== 'output') {
      // An empty `plugins: []` loads nothing: nothing to warn about.
      const empty = kind === 'plugins' && section.entries.length === 0;
      if (!empty && (kind === 'custom' || kind === 'stream_processor' || kind === 'plugins' || kind === 'upstream')) {
        report(
          makeDiagnostic({
            code: 'unsupported-plugin',
            message:
              section.format === 'yaml'
                ? `${section.header} are not supported by logferry; this one is ignored`
                : `[${section.header}] sections are not supported by logferry; this section is ignored`,
            span: section.span,
          }),
        );
      }
      continue;
    }
    const instance = buildInstance(kind, section, ctx);
    if (instance) instances[kind].push(instance);
  }

  checkStoragePath(instances.input as PlanInstance<'input'>[], service.values as unknown as ServiceOptions, report);

  const plan: Plan = {
    main: config.main,
    files: config.files,
    configDir: config.rootDir,
    service: service.values as unknown as ServiceOptions,
    inputs: resolveRoutes(instances.input as PlanInstance<'input'>[], ctx.routes, instances.output as PlanInstance<'output'>[], report),
    filters: instances.filter as PlanInstance<'filter'>[],
    outputs: instances.output as PlanInstance<'output'>[],
    parsers,
    multilineParsers,
  };
  return { plan, diagnostics };
}

function multilineLabel(section: Section, name: string | undefined): string {
  if (section.format === 'yaml') return name ? `multiline parser '${name}'` : 'multiline_parsers';
  return name ? `[MULTILINE_PARSER] ${name}` : '[MULTILINE_PARSER]';
}

function isParser(s: Section): boolean {
  return s.kind === 'parser' || s.kind === 'multiline_parser';
}

function emptySection(file: string): Section {
  const pos = { line: 1, column: 1, offset: 0 };
  return { kind: 'service', header: 'SERVICE', span: { file, start: pos, end: pos }, entries: [] };
}

function buildParsers(sections: Section[], config: LoadedConfig, report: (d: Diagnostic) => void): Map<string, ParserPlan> {
  const parsers = new Map<string, ParserPlan>();
  for (const section of sections) {
    if (section.kind !== 'parser') continue;
    const nameEntry = section.entries.find((e) => e.key.toLowerCase() === 'name');
    const yaml = section.format === 'yaml';
    const label = nameEntry ? (yaml ? `parser '${nameEntry.value}'` : `[PARSER] ${nameEntry.value}`) : yaml ? 'parsers' : '[PARSER]';
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
      where: multilineLabel(section, nameEntry?.value),
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


/** Fluent Bit refuses to start an input on filesystem storage when [SERVICE] storage.path is not set. */
function checkStoragePath(inputs: readonly PlanInstance<'input'>[], service: ServiceOptions, report: (d: Diagnostic) => void): void {
  if (service['storage.path']) return;
  for (const input of inputs) {
    if (inputStorageType(service, input) !== 'filesystem') continue;
    const entry = input.entries.find((e) => e.key === 'storage.type');
    report(
      makeDiagnostic({
        code: 'missing-required',
        message: `${input.displayName} uses storage.type filesystem but [SERVICE] storage.path is not set`,
        span: entry?.span ?? input.span,
        hint: 'Fluent Bit refuses to start; set storage.path in [SERVICE] to the directory for chunk files',
      }),
    );
  }
}
