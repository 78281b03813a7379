/**
 * Checks a configuration against the Fluent Bit that will run it: a plugin, key or YAML section the
 * target release does not have is an error at its line ("'rotate' appeared in Fluent Bit 5.1; the
 * target is Fluent Bit 4.2.8"). Layered on the plan: logferry's own option tables still decide
 * what logferry runs; this adds what the target release refuses. Plugins logferry does not run are
 * checked fully here, as Fluent Bit checks them at start: unknown keys, keys set twice that may not
 * repeat, boolean and size values.
 */
import { makeDiagnostic, type Diagnostic, type DiagnosticInit } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import { parseBool } from '../../options/units.js';
import { findPlugin } from '../../plugins/registry.js';
import type { Entry, Section, SectionKind } from '../document/model.js';
import type { LoadedConfig } from '../resolve/load.js';
import type { CoreKind } from './data.js';
import type { KeyTable, ReleaseTables } from './tables.js';
import { describeTarget, type FluentBitTarget } from './target.js';

/** The YAML section each section kind is read from. */
const YAML_SECTION: Readonly<Partial<Record<SectionKind, string>>> = {
  parser: 'parsers',
  multiline_parser: 'multiline_parsers',
  plugins: 'plugins',
  custom: 'customs',
  upstream: 'upstream_servers',
  stream_processor: 'stream_processor',
};

interface Context {
  readonly target: FluentBitTarget;
  readonly tables: ReleaseTables;
  /** "the target is Fluent Bit 4.2.8". */
  readonly against: string;
  readonly report: (d: DiagnosticInit) => void;
}

export function checkTarget(config: LoadedConfig, target: FluentBitTarget): Diagnostic[] {
  const out: Diagnostic[] = [];
  const tables = target.tables;
  const ctx: Context = { target, tables, against: `the target is ${describeTarget(target)}`, report: (d) => out.push(makeDiagnostic(d)) };
  for (const section of config.sections) {
    if (section.kind === undefined) continue;
    if (section.format === 'yaml') checkYamlSection(section, ctx);
    if (section.kind === 'service') checkSectionKeys(section, tables.section('service'), '[SERVICE]', ctx);
    else if ((section.kind === 'parser' || section.kind === 'multiline_parser') && section.format === 'yaml') {
      checkSectionKeys(section, tables.section(section.kind), section.kind === 'parser' ? 'parsers' : 'multiline_parsers', ctx);
    } else if (section.kind === 'input' || section.kind === 'filter' || section.kind === 'output') checkInstance(section.kind, section, ctx);
  }
  return out;
}

function checkYamlSection(section: Section, ctx: Context): void {
  const name = YAML_SECTION[section.kind!];
  if (name !== undefined && !ctx.tables.hasYaml(name)) {
    ctx.report({ code: 'fluent-bit-version', message: `YAML section '${name}' ${ctx.tables.describeReleases(ctx.tables.yamlReleases(name))}; ${ctx.against}`, span: section.span });
  }
  const processor = section.children?.[0];
  if (processor && !ctx.tables.hasYaml('processors')) {
    ctx.report({ code: 'fluent-bit-version', message: `'processors' ${ctx.tables.describeReleases(ctx.tables.yamlReleases('processors'))}; ${ctx.against}`, span: processor.span });
  }
  // Conditional routing: an input's `routes` (a nested value, as `processors`).
  const routes = section.entries.find((e) => e.key.toLowerCase() === 'routes');
  if (routes && !ctx.tables.hasYaml('routes')) {
    ctx.report({ code: 'fluent-bit-version', message: `'routes' ${ctx.tables.describeReleases(ctx.tables.yamlReleases('routes'))}; ${ctx.against}`, span: routes.keySpan });
  }
}

/**
 * [SERVICE] and parser keys: Fluent Bit ignores keys it does not know there, so a key of another
 * release is a warning (the setting has no effect), and keys of no release are left to the plan.
 */
function checkSectionKeys(section: Section, table: KeyTable, where: string, ctx: Context): void {
  for (const entry of section.entries) {
    if (table.find(entry.key)) continue;
    const elsewhere = table.releasesOf(entry.key);
    if (elsewhere === 0) continue;
    ctx.report({
      code: 'fluent-bit-version',
      severity: 'warning',
      message: `${where} key '${entry.key}' ${ctx.tables.describeReleases(elsewhere)}; ${ctx.against}, which ignores it`,
      span: entry.keySpan,
    });
  }
}

function nameOf(section: Section): Entry | undefined {
  return section.entries.find((e) => e.key.toLowerCase() === 'name');
}

function checkInstance(kind: CoreKind, section: Section, ctx: Context): void {
  const nameEntry = nameOf(section);
  if (!nameEntry || nameEntry.value === '' || nameEntry.value.includes('${')) return;
  const name = nameEntry.value.toLowerCase();
  if (!checkPluginExists(kind, name, nameEntry, ctx)) return;
  const runnable = findPlugin(kind, name) !== undefined;
  if (ctx.tables.hasPlugin(kind, name)) checkKeys(kind, name, section, runnable, ctx);
  for (const child of section.children ?? []) {
    const childName = nameOf(child);
    if (!childName || childName.value.includes('${')) continue;
    const lower = childName.value.toLowerCase();
    if (ctx.tables.hasPlugin('processor', lower)) continue; // a native processor: its own properties are not read here
    // A filter used as a processor takes the filter's keys.
    if (ctx.tables.hasPlugin('filter', lower)) {
      checkKeys('filter', lower, child, findPlugin('filter', lower) !== undefined, ctx);
      continue;
    }
    const elsewhere = ctx.tables.pluginReleases('processor', lower) || ctx.tables.pluginReleases('filter', lower);
    if (elsewhere !== 0) ctx.report({ code: 'fluent-bit-version', message: `processor '${childName.value}' ${ctx.tables.describeReleases(elsewhere)}; ${ctx.against}`, span: childName.valueSpan });
  }
}

/** Whether the target has the plugin; reports when another release or image has it. */
function checkPluginExists(kind: CoreKind, name: string, at: Entry, ctx: Context): boolean {
  const { target, tables } = ctx;
  const only = target.onlyPlugins?.[kind];
  if (only && !only.includes(name)) {
    ctx.report({ code: 'fluent-bit-version', message: `${kind} plugin '${at.value}' is not one ${target.name} supports (${only.join(', ')}); ${ctx.against}`, span: at.valueSpan });
    return false;
  }
  if (target.extraPlugins[kind]?.includes(name)) return false; // AWS's Go outputs: logferry's own tables check them
  if (tables.hasPlugin(kind, name)) return true;
  const elsewhere = tables.pluginReleases(kind, name);
  if (elsewhere !== 0) {
    ctx.report({ code: 'fluent-bit-version', message: `${kind} plugin '${at.value}' ${tables.describeReleases(elsewhere)}; ${ctx.against}`, span: at.valueSpan });
  } else if (findPlugin(kind, name) && target.source !== 'default') {
    // A plugin logferry knows that no Fluent Bit release has: AWS's Go outputs, on a plain Fluent Bit.
    // The default target cannot know whether an aws-for-fluent-bit image runs the file: silent then.
    ctx.report({
      code: 'fluent-bit-version',
      message: `${kind} plugin '${at.value}' is not part of Fluent Bit (AWS adds it in its aws-for-fluent-bit images); ${ctx.against}`,
      span: at.valueSpan,
      hint: 'use --target aws-for-fluent-bit-2.32 (or eks-fargate) if one of those runs the file',
    });
  }
  return false;
}

/**
 * The keys of one instance, in Fluent Bit's order: the core's common keys, then the `net.` and
 * `oauth2.` families, then the plugin's config map (only when the release gives it one; without
 * one Fluent Bit accepts any key). For a plugin logferry runs only keys of other releases are
 * reported (logferry's table reports the rest); for the others every key is checked.
 */
function checkKeys(kind: CoreKind, name: string, section: Section, runnable: boolean, ctx: Context): void {
  const { tables } = ctx;
  const common = tables.commonKeys(kind);
  const own = tables.pluginKeys(kind, name);
  const checked = tables.checksKeys(kind, name);
  const seen = new Map<string, Entry>();
  for (const entry of section.entries) {
    const key = entry.key.toLowerCase();
    if (key === 'name' || key === 'processors' || (key === 'routes' && section.format === 'yaml') || common.find(key)) continue;
    const family = tables.prefixFamily(kind, key);
    const table = family?.table ?? (checked ? own : undefined);
    if (!table) continue;
    const info = table.find(key);
    if (!info) {
      const elsewhere = table.releasesOf(key) || common.releasesOf(key);
      if (elsewhere !== 0) {
        ctx.report({ code: 'fluent-bit-version', message: `'${entry.key}' ${tables.describeReleases(elsewhere)}; ${ctx.against}`, span: entry.keySpan });
      } else if (!runnable) {
        const guess = didYouMean(key, [...table.keys, ...common.keys].map((k) => k.key));
        ctx.report({
          code: 'unknown-key',
          message: `unknown key '${entry.key}' for ${kind} plugin '${name}' in ${describeTarget(ctx.target)}${guess ? `; did you mean '${guess}'?` : ''}`,
          span: entry.keySpan,
          hint: `Fluent Bit refuses to start ("unknown configuration property"); \`logferry explain ${name} --fluent-bit-version ${tables.version}\` lists the keys`,
        });
      }
      continue;
    }
    // logferry's own tables judge the rest of a plugin it runs, and the net./oauth2. keys of every
    // plugin (its common tables interpret them), so those are not reported twice.
    if (runnable || family) continue;
    const first = seen.get(key);
    if (first && !info.multiple) {
      ctx.report({
        code: 'duplicate-key',
        message: `'${entry.key}' is set twice for ${kind} plugin '${name}' (first at line ${first.span.start.line}); ${describeTarget(ctx.target)} refuses a repeated '${info.key}'`,
        span: entry.keySpan,
        hint: 'Fluent Bit refuses to start ("configuration property is set 2 times"); keep one value',
      });
    }
    if (!first) seen.set(key, entry);
    checkValue(entry, info.type, kind, name, ctx);
  }
}

/**
 * The values Fluent Bit refuses when it maps a config map: booleans ("invalid value for boolean
 * property"); sizes, times and numbers it reads whatever they are. `${VAR}` values are left alone.
 */
function checkValue(entry: Entry, type: string, kind: CoreKind, name: string, ctx: Context): void {
  if (type !== 'bool' || entry.value.includes('${') || entry.nested || parseBool(entry.value) !== undefined) return;
  ctx.report({
    code: 'invalid-value',
    message: `'${entry.key}' of ${kind} plugin '${name}' must be a boolean (on/off, true/false, yes/no), not '${entry.value}'`,
    span: entry.valueSpan,
    hint: 'Fluent Bit refuses to start ("invalid value for boolean property")',
  });
}
