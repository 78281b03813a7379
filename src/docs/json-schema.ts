/**
 * A JSON Schema (draft-07, what the YAML language server supports best) for Fluent Bit's YAML
 * configuration format, generated from the same option tables as `validate` and `explain`.
 *
 * Key spelling: Fluent Bit's YAML reader turns a key that starts lowercase and has no `_` from
 * camelCase into snake_case, lowercases a lowercase key with `_`, keeps any other key, and plugins
 * match keys case-insensitively. So for each option the schema lists the snake_case key (for
 * completion and hover) and accepts, through `patternProperties`, exactly the spellings Fluent Bit
 * reads as that key: any letter case when the key starts uppercase or (for keys with `_`) starts
 * lowercase, and the camelCase form. The plugin `name` is matched case-insensitively; the `name`
 * key itself must be written `name`, `Name` or `NAME`.
 *
 * Values: Fluent Bit receives every scalar as text, so `on`, `true` and `5` are all fine where
 * they parse; typed keys (bool, int, size, time, enum) accept the YAML scalar and the text forms
 * Fluent Bit parses, plus any text with a `${VAR}` reference. A list is accepted where the key may
 * repeat (pipeline sections only).
 */
import { camelCase } from '../config/yaml/keys.js';
import type { PluginKind } from '../options/define.js';
import type { AnySpec, OptionTable } from '../options/spec.js';
import { PLUGINS, UNSUPPORTED_PLUGINS, aliasesOf } from '../plugins/registry.js';
import { PROCESSORS as NATIVE_PROCESSORS } from '../plugins/processors/index.js';
import { COMMON_OPTIONS, PLUGIN_KINDS, SECTIONS } from './catalog.js';

export type JsonSchema = { readonly [key: string]: unknown };

const VARIABLE = { type: 'string', pattern: '\\$\\{' } as const;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A regex source matching `text` in any letter case. */
function anyCase(text: string): string {
  return [...text].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegex(c))).join('');
}

/** The spellings of a YAML key that Fluent Bit reads as the (lowercase) option `key`. */
export function keyPattern(key: string, prefix = false): string {
  const first = key[0] ?? '';
  const rest = anyCase(key.slice(1));
  const alternatives = new Set<string>();
  if (/[a-z]/.test(first)) {
    alternatives.add(`${first.toUpperCase()}${rest}`);
    if (key.includes('_')) alternatives.add(`${first}${rest}`);
  } else {
    alternatives.add(`${escapeRegex(first)}${rest}`);
  }
  alternatives.add(escapeRegex(camelCase(key)));
  return `^(?:${[...alternatives].join('|')})${prefix ? '.+' : ''}$`;
}

export function oneOfWords(words: readonly string[]): string {
  return `^(?:${words.map(anyCase).join('|')})$`;
}

const BOOL_WORDS = ['on', 'off', 'true', 'false', 'yes', 'no'];
const NUMBER_TEXT = '^\\s*[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?\\s*$';

function scalarSchema(spec: AnySpec): JsonSchema {
  if (spec.kind === 'unsupported') return { type: ['string', 'number', 'boolean'] };
  if (spec.values) return { anyOf: [{ enum: [...spec.values] }, { type: 'string', pattern: oneOfWords(spec.values) }, VARIABLE] };
  return valueSchema(spec.kind);
}

/** The schema of a value of a type (logferry's kinds; Fluent Bit's config map types bool/int/double/size/time too). */
export function valueSchema(kind: string): JsonSchema {
  switch (kind) {
    case 'bool':
      return { anyOf: [{ type: 'boolean' }, { type: 'string', pattern: oneOfWords(BOOL_WORDS) }, VARIABLE] };
    case 'int':
    case 'millis':
      return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\s*[+-]?\\d+\\s*$' }, VARIABLE] };
    case 'double':
    case 'seconds':
    case 'interval':
      return { anyOf: [{ type: 'number' }, { type: 'string', pattern: NUMBER_TEXT }, VARIABLE] };
    case 'size':
      return { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\s*(?:\\d+(?:\\.\\d+)?\\s*(?:[kKmMgG][bB]?)?|[fF][aA][lL][sS][eE])\\s*$' }, VARIABLE] };
    case 'time':
      return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\s*[+-]?\\d+(?:\\.\\d+)?[sSmMhHdD]?\\s*$' }, VARIABLE] };
    default:
      return { type: ['string', 'number', 'boolean'] };
  }
}

function describe(spec: AnySpec): string {
  const parts = [spec.doc.replace(/\.?$/, '.')];
  if (spec.defaultText !== undefined) parts.push(`Default: ${spec.defaultText}.`);
  if (spec.unsupported !== undefined) parts.push(`Not supported by logferry: ${spec.unsupported}.`);
  for (const u of spec.unsupportedValues ?? []) parts.push(`Not supported by logferry: ${u.values} (${u.reason}).`);
  return parts.join(' ');
}

/**
 * Builds the schema, sharing what repeats: value types live once under `definitions/types`, the
 * keys every plugin of a kind accepts once under `definitions/<kind>Common`, and each plugin's
 * conditions once under `definitions/<kind>Plugins`.
 */
class SchemaBuilder {
  readonly types: Record<string, JsonSchema> = {};
  private readonly typeIds = new Map<string, string>();

  /** A reference to the (shared) value type of an option. */
  typeRef(spec: AnySpec, lists: boolean): JsonSchema {
    const scalar = scalarSchema(spec);
    const type = lists && spec.multiple ? { anyOf: [scalar, { type: 'array', items: scalar, minItems: 1 }] } : scalar;
    const json = JSON.stringify(type);
    let id = this.typeIds.get(json);
    if (id === undefined) {
      id = `${spec.kind === 'unsupported' ? 'text' : spec.kind}${this.typeIds.size}`;
      this.typeIds.set(json, id);
      this.types[id] = type;
    }
    return { $ref: `#/definitions/types/${id}` };
  }

  /** The documented key: description and default for hover and completion, then its type. */
  property(spec: AnySpec, lists: boolean): JsonSchema {
    return { description: describe(spec), ...(spec.defaultText !== undefined ? { default: spec.defaultText } : {}), allOf: [this.typeRef(spec, lists)] };
  }

  /**
   * `properties` (snake_case keys) and `patternProperties` (every spelling Fluent Bit reads as the
   * key) of a table. Keys that are the very specs of `shared.table` refer to its definition.
   */
  keys(table: OptionTable, lists: boolean, shared?: { table: OptionTable; ref: string }, skip: readonly string[] = []) {
    const properties: Record<string, JsonSchema> = {};
    const patternProperties: Record<string, JsonSchema> = {};
    for (const [key, spec] of Object.entries(table)) {
      if (skip.includes(key)) continue;
      const common = shared !== undefined && shared.table[key] === spec ? shared.ref : undefined;
      if (!spec.prefix) properties[key] = common !== undefined ? { $ref: `${common}/properties/${key}` } : this.property(spec, lists);
      for (const k of [key, ...(spec.aliases ?? [])]) patternProperties[keyPattern(k, spec.prefix === true)] = this.typeRef(spec, lists);
    }
    return { properties, patternProperties };
  }

  closedMap(table: OptionTable, lists: boolean, extra: Record<string, JsonSchema> = {}, shared?: { table: OptionTable; ref: string }, skip: readonly string[] = []): JsonSchema {
    const { properties, patternProperties } = this.keys(table, lists, shared, skip);
    // The plugin name is checked by the pipeline item (namedBy), which also takes YAML's null for the null output.
    if (properties['name'] !== undefined) {
      properties['name'] = { type: ['string', 'null'] };
      patternProperties[NAME_PATTERN] = { type: ['string', 'null'] };
    }
    return { type: 'object', properties: { ...properties, ...extra }, patternProperties, additionalProperties: false };
  }

  /**
   * One condition per plugin of a kind: when `name` names it, its keys (closed) apply. For
   * processors (`processor` true): the filters and native processors, each also taking a `condition`.
   */
  pluginConditions(kind: PluginKind, processor = false): JsonSchema {
    const extra: Record<string, JsonSchema> = processor ? { condition: CONDITION } : kind === 'filter' ? {} : kind === 'input' ? { processors: PROCESSORS, routes: ROUTES } : { processors: PROCESSORS };
    const shared = { table: COMMON_OPTIONS[kind], ref: `#/definitions/${kind}Common` };
    const when = (names: readonly string[]) => ({ allOf: [{ $ref: '#/definitions/hasName' }, { patternProperties: { [NAME_PATTERN]: namedBy(names) } }] });
    const supported = [...PLUGINS.filter((p) => p.kind === kind), ...(processor ? NATIVE_PROCESSORS : [])];
    return {
      allOf: [
        ...supported.map((definition) => ({
          if: when([definition.name, ...aliasesOf(kind, definition.name)]),
          // A processor's `condition` is the processor core's map, not the filter's Condition key.
          then: this.closedMap(definition.options, true, extra, shared, processor ? ['condition'] : []),
        })),
        // Plugins logferry knows by name only: their common keys are typed, others are let through.
        { if: when(Object.keys(UNSUPPORTED_PLUGINS[kind])), then: { $ref: shared.ref } },
      ],
    };
  }

  commonKeys(kind: PluginKind): JsonSchema {
    return { type: 'object', ...this.keys(COMMON_OPTIONS[kind], true) };
  }
}

const NAME_KEYS = ['name', 'Name', 'NAME'];
export const NAME_PATTERN = keyPattern('name');
/** The `name` key, in the spellings people write (the schema cannot say "any case" for a required key). */
const HAS_NAME: JsonSchema = { anyOf: NAME_KEYS.map((k) => ({ required: [k] })) };

const PROCESSORS: JsonSchema = {
  description: 'Processors (YAML only): filters or processor plugins run in the input (before routing) or the output (after routing)',
  type: 'object',
  properties: Object.fromEntries(['logs', 'metrics', 'traces'].map((signal) => [signal, { type: 'array', items: { $ref: '#/definitions/processor' } }])),
  additionalProperties: false,
};

function pluginNames(kind: PluginKind): string[] {
  return [...PLUGINS.filter((p) => p.kind === kind).flatMap((p) => [p.name, ...aliasesOf(kind, p.name)]), ...Object.keys(UNSUPPORTED_PLUGINS[kind])].sort();
}

/**
 * A `name` naming one of `names`. YAML reads `name: null` (the null output) as a null, which
 * Fluent Bit's reader takes as the text null: the schema accepts both.
 */
function namedBy(names: readonly string[]): JsonSchema {
  const text: JsonSchema = { type: 'string', pattern: oneOfWords(names) };
  return names.includes('null') ? { anyOf: [text, { type: 'null' }] } : text;
}

/** A pipeline item: `name` names a plugin of the kind, whose conditions then apply. */
function pluginItem(kind: PluginKind): JsonSchema {
  const names = pluginNames(kind);
  const nullName = names.includes('null') ? [{ type: 'null' }] : [];
  return {
    type: 'object',
    patternProperties: { [NAME_PATTERN]: { type: ['string', ...(nullName.length > 0 ? ['null'] : [])], description: `The ${kind} plugin`, anyOf: [{ enum: names }, { pattern: oneOfWords(names) }, ...nullName] } },
    allOf: [{ $ref: '#/definitions/hasName' }, { $ref: `#/definitions/${kind}Plugins` }],
  };
}

/** A processor: a filter or a native processor (checked like one), or a processor plugin logferry does not run (any name). */
const PROCESSOR: JsonSchema = {
  type: 'object',
  patternProperties: { [NAME_PATTERN]: { type: 'string', description: 'A filter or processor plugin' } },
  allOf: [{ $ref: '#/definitions/hasName' }, { $ref: '#/definitions/processorPlugins' }],
};

const RULE: JsonSchema = {
  type: 'object',
  properties: {
    field: { type: 'string', description: 'A record accessor ($key, $a[\'b\'])' },
    op: { type: 'string', enum: ['eq', 'neq', 'gt', 'lt', 'gte', 'lte', 'regex', 'not_regex', 'in', 'not_in'] },
    value: { description: 'A value, or a list for in and not_in', anyOf: [{ type: ['string', 'number', 'boolean'] }, { type: 'array', items: { type: ['string', 'number', 'boolean'] } }] },
    context: { type: 'string', description: 'body (the record, the default) or metadata' },
  },
  required: ['field', 'op', 'value'],
  additionalProperties: false,
};

/** A processor's or a route's `condition`. */
const CONDITION: JsonSchema = {
  type: 'object',
  description: 'Which records it applies to: op (and, or) over rules',
  properties: { op: { type: 'string', enum: ['and', 'or'] }, rules: { type: 'array', items: RULE }, default: { type: ['boolean', 'string'], description: 'Routes: the records no other route takes' } },
  additionalProperties: false,
};

const ROUTE_OUTPUT: JsonSchema = {
  anyOf: [{ type: 'string' }, { type: 'object', properties: { name: { type: 'string' }, fallback: { type: 'string' } }, required: ['name'], additionalProperties: false }],
};

/** An input's conditional `routes` (Fluent Bit 4.2). */
const ROUTES: JsonSchema = {
  type: 'object',
  description: 'Conditional routes (Fluent Bit 4.2): per signal, routes with a condition and the outputs (name, alias or instance name) they go to',
  patternProperties: {
    '^(logs|metrics|traces|profiles|any)$': {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'The route name: the tag of its records from then on' },
          condition: CONDITION,
          to: { type: 'object', properties: { outputs: { type: 'array', items: ROUTE_OUTPUT, minItems: 1 } }, required: ['outputs'], additionalProperties: false },
          processors: { type: 'array', items: { type: 'object' } },
          per_record_routing: { type: ['boolean', 'string'] },
        },
        required: ['name', 'to'],
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const MULTILINE_RULE: JsonSchema = {
  type: 'object',
  properties: {
    state: { description: 'State(s) the rule applies in; the first rule starts in start_state', anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    regex: { type: 'string', description: 'Regex a line must match (Onigmo syntax, /.../ allowed)' },
    next_state: { type: 'string', description: 'State after a matching line' },
  },
  required: ['state', 'regex', 'next_state'],
  additionalProperties: false,
};

function section(builder: SchemaBuilder, name: string): JsonSchema {
  const def = SECTIONS.find((s) => s.name === name)!.definition;
  if (name !== 'multiline_parser') return { description: def.description, ...builder.closedMap(def.options, false) };
  const rules = { type: 'array', description: 'The state machine of a regex multiline parser', items: { $ref: '#/definitions/multilineRule' } };
  return { description: def.description, ...builder.closedMap(def.options, false, { rules }, undefined, ['rule']) };
}

/** The whole schema (`logferry schema`, committed as docs/fluent-bit.schema.json). */
export function configSchema(): JsonSchema {
  const builder = new SchemaBuilder();
  const definitions: Record<string, JsonSchema> = {
    service: section(builder, 'service'),
    parser: section(builder, 'parser'),
    multilineParser: section(builder, 'multiline_parser'),
    multilineRule: MULTILINE_RULE,
    hasName: HAS_NAME,
    ...Object.fromEntries(PLUGIN_KINDS.map((k) => [k, pluginItem(k)])),
    ...Object.fromEntries(PLUGIN_KINDS.map((k) => [`${k}Common`, builder.commonKeys(k)])),
    ...Object.fromEntries(PLUGIN_KINDS.map((k) => [`${k}Plugins`, builder.pluginConditions(k)])),
    processor: PROCESSOR,
    processorPlugins: builder.pluginConditions('filter', true),
  };
  const list = (ref: string, description: string) => ({ type: 'array', description, items: { $ref: `#/definitions/${ref}` } });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Fluent Bit YAML configuration',
    description: 'Generated by `logferry schema` from logferry\'s option tables.',
    type: 'object',
    properties: {
      env: {
        description: 'Variables for ${NAME} references: a map of NAME: value, or a list of {name, value}',
        anyOf: [
          { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
          { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: ['string', 'number', 'boolean'] } }, required: ['name'] } },
        ],
      },
      includes: { type: 'array', description: 'Other YAML files to read (relative to this file; globs allowed)', items: { type: 'string' } },
      service: { $ref: '#/definitions/service' },
      pipeline: {
        type: 'object',
        properties: {
          inputs: list('input', 'Inputs ([INPUT] sections)'),
          filters: list('filter', 'Filters ([FILTER] sections)'),
          outputs: list('output', 'Outputs ([OUTPUT] sections)'),
        },
        additionalProperties: false,
      },
      parsers: list('parser', 'Parsers ([PARSER] sections)'),
      multiline_parsers: list('multilineParser', 'Multiline parsers ([MULTILINE_PARSER] sections)'),
      plugins: { type: 'array', description: 'Paths of plugin shared objects to load', items: { type: 'string' } },
      customs: { type: 'array', items: { type: 'object' } },
      upstream_servers: { type: 'array', items: { type: 'object' } },
      stream_processor: { type: 'array', items: { type: 'object' } },
    },
    additionalProperties: false,
    definitions: { ...definitions, types: builder.types },
  };
}
