import type { Diagnostic, Span } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import type { PluginDefinition, PluginKind } from '../../options/define.js';
import { INPUT_COMMON, FILTER_COMMON, OUTPUT_COMMON } from '../../options/common.js';
import type { OptionTable } from '../../options/spec.js';
import { UNSUPPORTED_PLUGINS, allPlugins, findPlugin } from '../../plugins/registry.js';
import type { Entry, Section } from '../document/model.js';
import type { VariableScope } from '../resolve/env.js';
import { interpretSection, runCheck, type RepeatPolicy } from './interpret.js';
import { NATIVE_PROCESSORS } from './processors.js';
import { parseCondition, plainYaml, type Condition } from './condition.js';
import { readRoutes, type WrittenRoute } from './routes.js';
import { PROCESSOR_NAMES, findProcessor, isNativeProcessor } from '../../plugins/processors/index.js';
import { checkReferences } from './references.js';
import { reportUnsupportedValues } from './unsupported-values.js';
import type { MultilineParserPlan, ParserPlan, PlanInstance, ProcessorSignal } from './types.js';

const COMMON: Record<PluginKind, OptionTable> = { input: INPUT_COMMON, filter: FILTER_COMMON, output: OUTPUT_COMMON };
const KIND_LABEL: Record<PluginKind, string> = { input: 'INPUT', filter: 'FILTER', output: 'OUTPUT' };
const YAML_GROUP: Record<PluginKind, string> = { input: 'pipeline.inputs', filter: 'pipeline.filters', output: 'pipeline.outputs' };

/** What building instances needs from the rest of the plan. */
export interface InstanceContext {
  readonly scope: VariableScope;
  readonly parsers: ReadonlyMap<string, ParserPlan>;
  readonly multiline: ReadonlyMap<string, MultilineParserPlan>;
  readonly report: (d: Diagnostic) => void;
  /** Instances per plugin name so far, for `<plugin>.<n>` ids. */
  readonly counters: Map<string, number>;
  /** The same for processors, which Fluent Bit numbers apart from the pipeline's filters. */
  readonly processorCounters: Map<string, number>;
  /** The main configuration file's directory (Plan.configDir), for checks of files a plugin names. */
  readonly configDir?: string;
  /** The `routes` of inputs as written, resolved once every output is built. */
  readonly routes: Map<string, WrittenRoute[]>;

}

/** One [INPUT], [FILTER] or [OUTPUT] section (or YAML pipeline item) with its processors. */
export function buildInstance(kind: PluginKind, section: Section, ctx: InstanceContext): PlanInstance | undefined {
  const named = pluginName(section, kind, ctx, true);
  if (!named) return undefined;
  const definition = resolvePlugin(kind, named.name, named.entry.valueSpan, section, ctx.report);
  const where = section.format === 'yaml' ? `${kind} '${named.lower}'` : `[${KIND_LABEL[kind]}] ${named.lower}`;
  const { rest, taken } = takeNested(section, kind === 'input' ? 'routes' : undefined);
  const instance = interpretInstance(kind, rest, named, definition, where, ctx, ctx.counters);
  if (taken) ctx.routes.set(instance.id, readRoutes(taken, (d) => ctx.report(makeDiagnostic(d))));
  const children = section.children ?? [];
  if (children.length === 0) return instance;
  if (kind === 'filter') {
    ctx.report(
      makeDiagnostic({
        code: 'unknown-key',
        severity: 'warning',
        message: `processors are only run by inputs and outputs; Fluent Bit ignores them on filter '${named.lower}'`,
        span: children[0]!.span,
      }),
    );
    return instance;
  }
  const processors = children.flatMap((child) => buildProcessor(child, ctx) ?? []);
  return { ...instance, processors };
}

/**
 * A YAML processor (`processors.logs` item): a filter plugin used as a processor, validated like a
 * [FILTER] (no Match needed), or one of Fluent Bit's native processors (not supported here).
 */
function buildProcessor(section: Section, ctx: InstanceContext): PlanInstance<'filter'> | undefined {
  const signal = section.header.slice('processors.'.length) as ProcessorSignal;
  // Fluent Bit reads a processor's name as written (no ${VAR} expansion).
  const named = pluginName(section, 'filter', ctx, false);
  if (!named) return undefined;
  const definition = resolveProcessor(named.name, signal, named.entry.valueSpan, ctx.report);
  const where = `processor '${named.lower}' (${section.header})`;
  // Fluent Bit's processor core takes every `condition` key of a processor, and wants a map.
  const plain = section.entries.find((e) => e.nested !== true && e.key.toLowerCase() === 'condition');
  if (plain) {
    ctx.report(makeDiagnostic({ code: 'invalid-value', message: "a processor's condition must be a map with op and rules (Fluent Bit's processor core reads it, not the plugin)", span: plain.valueSpan }));
  }
  const { rest, taken } = takeNested(plain ? { ...section, entries: section.entries.filter((e) => e !== plain) } : section, 'condition');
  const instance = interpretInstance('filter', rest, named, definition, where, ctx, ctx.processorCounters);
  const condition = taken ? processorCondition(taken, definition, ctx.report) : undefined;
  return { ...(instance as PlanInstance<'filter'>), signal, ...(condition ? { condition } : {}) };
}

/** The section without the nested entry of `key` (read by the core, not by the plugin), and that entry. */
function takeNested(section: Section, key: string | undefined): { rest: Section; taken: Entry | undefined } {
  const taken = key === undefined ? undefined : section.entries.find((e) => e.nested === true && e.key.toLowerCase() === key);
  return taken ? { rest: { ...section, entries: section.entries.filter((e) => e !== taken) }, taken } : { rest: section, taken };
}

/**
 * A processor's `condition`: native processors apply it record by record (flb_mp_chunk_cobj_record_next);
 * Fluent Bit 4.2 accepts it on a filter used as a processor but never evaluates it there.
 */
function processorCondition(entry: Entry, definition: PluginDefinition | undefined, report: (d: Diagnostic) => void): Condition | undefined {
  const condition = parseCondition(plainYaml(entry.value), 'processor', entry.valueSpan, (d) => report(makeDiagnostic(d)));
  if (!condition || !definition || isNativeProcessor(definition)) return condition;
  report(
    makeDiagnostic({
      code: 'unsupported-key',
      severity: 'warning',
      message: `Fluent Bit 4.2 ignores 'condition' on a filter used as a processor: '${definition.name}' applies to every record`,
      span: entry.keySpan,
      hint: 'use a native processor (content_modifier, sql) for conditional processing, or the filter\'s own rules',
    }),
  );
  return undefined;
}

interface Named {
  readonly name: string;
  readonly lower: string;
  readonly entry: Entry;
}

/** The plugin name of a section: its last `Name` entry, `${VAR}` expanded (except for processors). */
function pluginName(section: Section, kind: PluginKind, ctx: InstanceContext, expand: boolean): Named | undefined {
  const yaml = section.format === 'yaml';
  const nameEntries = section.entries.filter((e) => e.key.toLowerCase() === 'name');
  const entry = nameEntries[nameEntries.length - 1];
  const what = yaml ? `an item of ${section.header}` : `[${section.header}] section`;
  if (!entry) {
    if (section.damaged) return undefined;
    ctx.report(
      makeDiagnostic({
        code: 'missing-name',
        message: yaml ? `${what} has no name` : `${what} has no Name`,
        span: section.span,
        hint: yaml ? `add 'name: <plugin>' to say which ${kind} plugin it configures` : `add 'Name <plugin>' to say which ${kind} plugin this section configures`,
      }),
    );
    return undefined;
  }
  const name = (expand ? ctx.scope.expand(entry.value, entry.valueSpan, (d) => ctx.report(makeDiagnostic(d))) : entry.value).trim();
  if (name.length === 0) {
    ctx.report(makeDiagnostic({ code: 'missing-name', message: `${what} has an empty ${yaml ? 'name' : 'Name'}`, span: entry.valueSpan }));
    return undefined;
  }
  return { name, lower: name.toLowerCase(), entry };
}

/** The plugin's definition, reporting an unknown or unsupported plugin name. */
function resolvePlugin(kind: PluginKind, name: string, span: Span, section: Section, report: (d: Diagnostic) => void): PluginDefinition | undefined {
  const lower = name.toLowerCase();
  const definition = findPlugin(kind, lower);
  if (definition && !definition.create) {
    // Validated only (the AWS Go outputs): `run` refuses to start it, so validate says so here.
    report(
      makeDiagnostic({
        code: 'unsupported-plugin',
        message: `${kind} plugin '${name}' is validated by logferry but does not run in it; \`logferry run\` refuses this configuration`,
        span,
        hint: `its keys are checked as Fluent Bit reads them; \`logferry explain ${lower}\` names the plugin logferry runs instead`,
      }),
    );
  }
  if (definition) return definition;
  const unsupported = UNSUPPORTED_PLUGINS[kind][lower];
  if (unsupported !== undefined) {
    report(
      makeDiagnostic({
        code: 'unsupported-plugin',
        message: `${kind} plugin '${name}' (${unsupported}) is not supported by logferry yet: only the target Fluent Bit's tables check its keys, and it will not run`,
        span,
      }),
    );
    return undefined;
  }
  const known = [...allPlugins().filter((p) => p.kind === kind).map((p) => p.name), ...Object.keys(UNSUPPORTED_PLUGINS[kind])];
  const guess = didYouMean(lower, known);
  // Prefer a kind where logferry implements the plugin (stdout is both a filter and an output).
  const kinds = (['output', 'input', 'filter'] as const).filter((k) => k !== kind);
  const otherKind = kinds.find((k) => findPlugin(k, lower)) ?? kinds.find((k) => UNSUPPORTED_PLUGINS[k][lower] !== undefined);
  const place = (k: PluginKind) => (section.format === 'yaml' ? `under ${YAML_GROUP[k]}` : `in an [${KIND_LABEL[k]}] section`);
  report(
    makeDiagnostic({
      code: 'unknown-plugin',
      message: `unknown ${kind} plugin '${name}'`,
      span,
      hint: otherKind
        ? `'${name}' is ${otherKind === 'filter' ? 'a' : 'an'} ${otherKind} plugin: put it ${place(otherKind)}`
        : guess
          ? `did you mean '${guess}'?`
          : undefined,
    }),
  );
  return undefined;
}

/**
 * `flb_processor_unit_create`: a filter plugin that handles the signal, else a native processor.
 * logferry's filters all handle logs only.
 */
function resolveProcessor(name: string, signal: ProcessorSignal, span: Span, report: (d: Diagnostic) => void): PluginDefinition | undefined {
  const lower = name.toLowerCase();
  const filter = findPlugin('filter', lower);
  if (filter && signal === 'logs') return filter;
  const native = findProcessor(lower);
  if (native && signal === 'logs') return native;
  const unsupported = UNSUPPORTED_PLUGINS.filter[lower] ?? NATIVE_PROCESSORS[lower] ?? (native ? `${native.description}, for ${signal}` : undefined);
  if (filter || unsupported === undefined) {
    const known = [...allPlugins().filter((p) => p.kind === 'filter').map((p) => p.name), ...Object.keys(UNSUPPORTED_PLUGINS.filter), ...Object.keys(NATIVE_PROCESSORS), ...PROCESSOR_NAMES];
    const guess = filter ? undefined : didYouMean(lower, known);
    report(
      makeDiagnostic({
        code: 'unknown-plugin',
        message: filter ? `filter '${name}' handles logs only; it cannot be a ${signal} processor` : `unknown processor '${name}'`,
        span,
        hint: filter ? `move it under processors.logs` : guess ? `did you mean '${guess}'?` : 'a processor is a filter plugin or a native processor (content_modifier, labels, sql, ...)',
      }),
    );
    return undefined;
  }
  report(
    makeDiagnostic({
      code: 'unsupported-plugin',
      message: `processor '${name}' (${unsupported}) is not supported by logferry yet; its keys are not checked and it will not run`,
      span,
    }),
  );
  return undefined;
}

function interpretInstance(
  kind: PluginKind,
  section: Section,
  named: Named,
  definition: PluginDefinition | undefined,
  where: string,
  ctx: InstanceContext,
  counters: Map<string, number>,
): PlanInstance {
  const { lower } = named;
  const common = COMMON[kind];
  // Generic keys (handled by Fluent Bit's core) are last-wins; a plugin's own keys may be set once.
  const repeat = (key: string): RepeatPolicy => (Object.hasOwn(common, key) ? 'last-wins' : 'error');
  const interpreted = interpretSection(section, {
    where,
    table: definition?.options ?? common,
    scope: ctx.scope,
    report: ctx.report,
    repeat,
    skipUnknown: !definition,
    ...(definition?.unknownKeys === 'ignored' ? { unknownSeverity: 'warning' as const, unknownNote: '; this Go plugin never reads it (Fluent Bit does not check the keys of Go plugins)' } : {}),
    skipRequired: section.damaged === true,
    preset: new Map([['name', { value: named.name, entry: named.entry }]]),
  });
  if (definition) {
    runCheck(definition, section, interpreted, ctx.report, ctx.configDir);
    checkReferences(definition.options, section, interpreted, ctx.parsers, ctx.multiline, ctx.report);
    reportUnsupportedValues(definition.options, interpreted.entries, where, ctx.report);
  }
  // Fluent Bit numbers instances per kind and plugin: an input lib.0 and an output lib.0 coexist.
  const n = counters.get(`${kind}:${lower}`) ?? 0;
  counters.set(`${kind}:${lower}`, n + 1);
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
