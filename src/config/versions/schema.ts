/**
 * `logferry schema --fluent-bit-version X`: the JSON Schema of the YAML format as one Fluent Bit
 * release reads it. It starts from the schema of logferry's tables (its shape: env, includes,
 * pipeline, processors) and replaces what differs by release with the release's tables: the plugins
 * and their keys (every plugin of the release, typed by its config map), the common keys, the
 * [SERVICE]/parser/multiline parser keys, and the top-level YAML sections the release's reader knows.
 */
import { configSchema, keyPattern, NAME_PATTERN, oneOfWords, valueSchema, type JsonSchema } from '../../docs/json-schema.js';
import type { CoreKind } from './data.js';
import type { KeyInfo, KeyTable, ReleaseTables } from './tables.js';

const CORE_KINDS: readonly CoreKind[] = ['input', 'filter', 'output'];

/** Top-level YAML keys and the section names the reader's source uses for them. */
const TOP_LEVEL = ['env', 'includes', 'service', 'pipeline', 'parsers', 'multiline_parsers', 'plugins', 'customs', 'upstream_servers', 'stream_processor'];

/** Value types by config map type (and whether lists are allowed), shared under `definitions/releaseTypes`. */
class Types {
  readonly defs: Record<string, JsonSchema> = {};
  ref(k: KeyInfo, lists: boolean): JsonSchema {
    const id = `${k.type}${lists && k.multiple ? 'List' : ''}`;
    if (!this.defs[id]) {
      const scalar = valueSchema(k.type);
      this.defs[id] = lists && k.multiple ? { anyOf: [scalar, { type: 'array', items: scalar, minItems: 1 }] } : scalar;
    }
    return { $ref: `#/definitions/releaseTypes/${id}` };
  }
}

/**
 * The keys of some tables: `properties` typed by their snake_case names (completion, hover, types),
 * and the patterns of every spelling Fluent Bit reads as one of them (for `propertyNames`).
 */
function keysOf(tables: readonly KeyTable[], lists: boolean, types: Types): { properties: Record<string, JsonSchema>; names: string[] } {
  const properties: Record<string, JsonSchema> = {};
  const names: string[] = [];
  for (const table of tables) {
    for (const k of table.keys) {
      const prefix = k.type === 'str_prefix';
      const description = `${k.type}${k.defaultText !== null ? `; default ${k.defaultText}` : ''}${k.multiple ? '; may repeat' : ''}`;
      if (!prefix) properties[k.key] = { description, allOf: [types.ref(k, lists)] };
      names.push(keyPattern(k.key, prefix));
    }
  }
  return { properties, names };
}

/** One pattern matching what any of `patterns` (each anchored) matches. */
function anyPattern(patterns: readonly string[]): string {
  return patterns.map((p) => `(?:${p})`).join('|');
}

export function releaseSchema(tables: ReleaseTables): JsonSchema {
  const base = configSchema() as { properties: Record<string, JsonSchema>; definitions: Record<string, JsonSchema> } & JsonSchema;
  const definitions: Record<string, JsonSchema> = { ...base.definitions };
  const nameIs = (name: string) => ({ allOf: [{ $ref: '#/definitions/hasName' }, { patternProperties: { [NAME_PATTERN]: { type: 'string', pattern: oneOfWords([name]) } } }] });
  const processors = tables.hasYaml('processors') ? { processors: (base.definitions['inputPlugins'] as { allOf: { then: { properties: Record<string, JsonSchema> } }[] }).allOf[0]?.then.properties['processors'] ?? {} } : {};
  const types = new Types();
  for (const kind of CORE_KINDS) {
    const common = tables.commonKeys(kind);
    const families = Object.keys(tables.data.prefixes[kind]).map((p) => tables.prefixFamily(kind, p)!.table);
    const commonKeys = keysOf([common, ...families], true, types);
    // The common keys are typed once; each plugin refers to them and names what else it takes.
    definitions[`${kind}Common`] = { type: 'object', properties: commonKeys.properties };
    definitions[`${kind}CommonNames`] = { pattern: anyPattern(commonKeys.names) };
    const names = tables.pluginNames(kind);
    definitions[`${kind}Plugins`] = {
      allOf: names.map((name) => {
        const extra = kind === 'filter' ? {} : processors;
        const own = keysOf([tables.pluginKeys(kind, name)], true, types);
        const allowed = [{ $ref: `#/definitions/${kind}CommonNames` }, { pattern: anyPattern([NAME_PATTERN, ...own.names, ...Object.keys(extra).map((k) => keyPattern(k))]) }];
        const closed = tables.checksKeys(kind, name) ? { propertyNames: { anyOf: allowed } } : {};
        return { if: nameIs(name), then: { allOf: [{ $ref: `#/definitions/${kind}Common` }], properties: { ...own.properties, ...extra }, ...closed } };
      }),
    };
    definitions[kind] = {
      type: 'object',
      patternProperties: { [NAME_PATTERN]: { type: 'string', description: `The ${kind} plugin`, anyOf: [{ enum: names }, { pattern: oneOfWords(names) }] } },
      allOf: [{ $ref: '#/definitions/hasName' }, { $ref: `#/definitions/${kind}Plugins` }],
    };
  }
  for (const [def, section] of [['service', 'service'], ['parser', 'parser'], ['multilineParser', 'multiline_parser']] as const) {
    const keys = keysOf([tables.section(section)], false, types);
    const old = base.definitions[def] as { properties?: Record<string, JsonSchema> };
    // The multiline parser's `rules` list is YAML's spelling of the classic `rule` keys.
    const rules = section === 'multiline_parser' && old.properties?.['rules'] ? { rules: old.properties['rules'] } : {};
    definitions[def] = { description: `${section} keys of ${tables.label}`, type: 'object', properties: { ...keys.properties, ...rules }, propertyNames: { pattern: anyPattern([...keys.names, ...Object.keys(rules)]) } };
  }
  if (!tables.hasYaml('processors')) definitions['processor'] = { not: {}, description: `processors ${tables.describeReleases(tables.yamlReleases('processors'))}` };
  const properties = Object.fromEntries(Object.entries(base.properties).filter(([key]) => !TOP_LEVEL.includes(key) || tables.hasYaml(key)));
  definitions['releaseTypes'] = types.defs;
  delete definitions['types']; // logferry's value types: nothing refers to them once the tables are replaced
  return { ...base, description: `Generated by \`logferry schema --fluent-bit-version ${tables.version}\` from ${tables.label}'s option tables.`, properties, definitions };
}
