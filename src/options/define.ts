import type { DiagnosticCode } from '../diagnostics/codes.js';
import { INPUT_COMMON, FILTER_COMMON, OUTPUT_COMMON } from './common.js';
import type { OptionsOf, OptionTable } from './spec.js';
import type { PlanInstance } from '../config/plan/types.js';
import type {
  FilterContext,
  FilterRuntime,
  InputContext,
  InputRuntime,
  OutputContext,
  OutputRuntime,
} from '../engine/plugin.js';

export type PluginKind = 'input' | 'filter' | 'output';

/** Lets a plugin's `check` report problems found across several keys, at validate time. */
export interface CheckContext {
  /** Reports at the entry of `key` if the user set it, else at the section header. */
  report(code: DiagnosticCode, message: string, options?: { key?: string; hint?: string; severity?: 'error' | 'warning' | 'info' }): void;
  /** True when the user wrote this key (as opposed to it having its default). */
  isSet(key: string): boolean;
  /** The main configuration file's directory (Fluent Bit's conf_path), when there is one. */
  readonly configDir?: string | undefined;
}

/** The runtime a plugin kind creates, and the context it gets (`T`: the plugin's options table). */
export type RuntimeOf<K extends PluginKind> = K extends 'input' ? InputRuntime : K extends 'filter' ? FilterRuntime : OutputRuntime;
export type ContextOf<K extends PluginKind> = K extends 'input' ? InputContext : K extends 'filter' ? FilterContext : OutputContext;

/** The typed options a plugin's runtime receives: `PluginOptions<typeof definition>`. */
export type PluginOptions<D extends { readonly options: OptionTable }> = OptionsOf<D['options']>;
/** The context a plugin's runtime receives: `PluginContextOf<typeof definition>`. */
export type PluginContextOf<D extends { readonly kind: PluginKind }> = ContextOf<D['kind']>;

/** Merge order: the plugin's own entries override the common group's (e.g. a different `workers` default). */
type Merged<Common, Own> = Omit<Common, keyof Own> & Own;

/** The keys every plugin of a kind accepts (options/common.ts), merged into its table by `define*`. */
type CommonOf<K extends PluginKind> = K extends 'input' ? typeof INPUT_COMMON : K extends 'filter' ? typeof FILTER_COMMON : typeof OUTPUT_COMMON;

/**
 * The typed options a runtime receives, computed from the plugin's own table (its `options.ts`)
 * without importing the definition: `OptionsOfTable<'output', typeof STDOUT_OPTIONS>` is
 * `PluginOptions<typeof definition>`, so a runtime and its index.ts do not import each other.
 */
export type OptionsOfTable<K extends PluginKind, Own extends OptionTable> = OptionsOf<Merged<CommonOf<K>, Own>>;

export interface PluginDefinition<K extends PluginKind = PluginKind, T extends OptionTable = OptionTable> {
  readonly kind: K;
  /** Fluent Bit's plugin name (lowercase). */
  readonly name: string;
  readonly description: string;
  /** The plugin's own options (without the common keys). */
  readonly ownOptions: OptionTable;
  /** Every option the section accepts: common keys merged with the plugin's own. */
  readonly options: T;
  /**
   * `ignored`: Fluent Bit never checks this plugin's keys (Go plugins read only the keys they ask
   * for), so an unknown key is a warning, not an error.
   */
  readonly unknownKeys?: 'ignored';
  /** Cross-key rules, run by the plan builder with the typed options (method syntax: bivariant, so a
   *  definition with a specific table is still a `PluginDefinition`). */
  check?(options: OptionsOf<T>, ctx: CheckContext): void;
  /**
   * Rules that depend on what reaches an output: run by the routing analysis with the inputs whose
   * records its Match can see (cloudwatch_logs: metric_namespace only acts on cpu and mem inputs).
   */
  checkRoutes?(options: OptionsOf<T>, inputs: readonly PlanInstance<'input'>[], ctx: CheckContext): void;
  /**
   * Builds the runtime from the section's options, parsed and defaulted by the plan with the
   * plugin's table (`OptionsOf<T>`), and a narrow context. Loaded lazily (`await import('./x.js')`
   * inside), so that validating a configuration loads no engine code. Absent while a plugin is
   * only validated, not run. (Method syntax: bivariant, as `check`.)
   */
  create?(options: OptionsOf<T>, ctx: ContextOf<K>): RuntimeOf<K> | Promise<RuntimeOf<K>>;
}

export interface PluginConfig<Own extends OptionTable, T extends OptionTable> {
  readonly name: string;
  readonly description: string;
  readonly options: Own;
  readonly check?: (options: OptionsOf<T>, ctx: CheckContext) => void;
  readonly checkRoutes?: (options: OptionsOf<T>, inputs: readonly PlanInstance<'input'>[], ctx: CheckContext) => void;
  readonly unknownKeys?: 'ignored';
}

/**
 * The runtime factory of a plugin (see PluginDefinition.create). Write `create` after `options` in
 * the object given to defineInput/defineFilter/defineOutput: TypeScript types its parameters from
 * the table only once it has read the table (a table holding methods, such as a `parse` override,
 * is read in order).
 */
type CreateOf<K extends PluginKind, T extends OptionTable> = {
  create?(options: OptionsOf<T>, ctx: ContextOf<K>): RuntimeOf<K> | Promise<RuntimeOf<K>>;
};

function define<K extends PluginKind, Common extends OptionTable, Own extends OptionTable>(
  kind: K,
  common: Common,
  config: PluginConfig<Own, Merged<Common, Own>> & CreateOf<K, Merged<Common, Own>>,
): PluginDefinition<K, Merged<Common, Own>> {
  const options = { ...common, ...config.options } as unknown as Merged<Common, Own>;
  const def: PluginDefinition<K, Merged<Common, Own>> = {
    kind,
    name: config.name.toLowerCase(),
    description: config.description,
    ownOptions: config.options,
    options,
    ...(config.check ? { check: config.check } : {}),
    ...(config.checkRoutes ? { checkRoutes: config.checkRoutes } : {}),
    ...(config.unknownKeys ? { unknownKeys: config.unknownKeys } : {}),
    ...(config.create ? { create: config.create } : {}),
  };
  return Object.freeze(def);
}

export function defineInput<const Own extends OptionTable>(config: PluginConfig<Own, Merged<typeof INPUT_COMMON, Own>> & CreateOf<'input', Merged<typeof INPUT_COMMON, Own>>) {
  return define('input', INPUT_COMMON, config);
}

export function defineFilter<const Own extends OptionTable>(config: PluginConfig<Own, Merged<typeof FILTER_COMMON, Own>> & CreateOf<'filter', Merged<typeof FILTER_COMMON, Own>>) {
  return define('filter', FILTER_COMMON, config);
}

export function defineOutput<const Own extends OptionTable>(config: PluginConfig<Own, Merged<typeof OUTPUT_COMMON, Own>> & CreateOf<'output', Merged<typeof OUTPUT_COMMON, Own>>) {
  return define('output', OUTPUT_COMMON, config);
}

/** A non-plugin section ([SERVICE], [PARSER], [MULTILINE_PARSER]) with its own table. */
export interface SectionDefinition<T extends OptionTable = OptionTable> {
  readonly name: string;
  readonly description: string;
  readonly options: T;
  check?(options: OptionsOf<T>, ctx: CheckContext): void;
}

export function defineSection<const T extends OptionTable>(def: SectionDefinition<T>): SectionDefinition<T> {
  return Object.freeze(def);
}

/** Finds the spec for a key as written (case-insensitive; aliases and prefix keys included). */
export function lookupOption(table: OptionTable, key: string): { name: string; prefixKey?: string } | undefined {
  const k = key.toLowerCase();
  if (Object.hasOwn(table, k)) return { name: k };
  for (const [name, spec] of Object.entries(table)) {
    if (spec.aliases?.includes(k)) return { name };
    if (spec.prefix && k.length > name.length && k.startsWith(name)) return { name, prefixKey: k };
  }
  return undefined;
}
