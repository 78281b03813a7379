import type { Span } from '../../diagnostics/diagnostic.js';
import type { PluginDefinition, PluginKind } from '../../options/define.js';
import type { OptionsOf } from '../../options/spec.js';
import type { INPUT_COMMON, FILTER_COMMON, OUTPUT_COMMON } from '../../options/common.js';
import type { PlanEntry } from './interpret.js';
import type { Condition } from './condition.js';
import type serviceSection from '../sections/service.js';
import type parserSection from '../sections/parser.js';
import type multilineParserSection from '../sections/multiline-parser.js';

export type ServiceOptions = OptionsOf<typeof serviceSection.options>;
export type ParserOptions = OptionsOf<typeof parserSection.options>;
export type MultilineParserOptions = OptionsOf<typeof multilineParserSection.options>;

/** The lists of YAML `processors` (Fluent Bit's reader accepts these three). */
export type ProcessorSignal = 'logs' | 'metrics' | 'traces';

type CommonOf<K extends PluginKind> = K extends 'input' ? typeof INPUT_COMMON : K extends 'filter' ? typeof FILTER_COMMON : typeof OUTPUT_COMMON;

/** One [INPUT], [FILTER] or [OUTPUT] section, interpreted. */
export interface PlanInstance<K extends PluginKind = PluginKind> {
  readonly kind: K;
  /** Plugin name, lowercase (`tail`, `cloudwatch_logs`). */
  readonly plugin: string;
  /** Fluent Bit's instance name: `<plugin>.<n>`, n counting instances of the same plugin from 0. */
  readonly id: string;
  /** `Alias` if set, else `id`: the name used in metrics and logs. */
  readonly displayName: string;
  /** False for a Fluent Bit plugin logferry does not run; only its common keys are interpreted. */
  readonly supported: boolean;
  /** The plugin's definition (undefined when unsupported). */
  readonly definition: PluginDefinition<K> | undefined;
  /**
   * Typed options by lowercase Fluent Bit key, parsed and defaulted with the plugin's table. The
   * common keys are typed here; a runtime gets all of them typed as the first argument of `create`.
   */
  readonly options: OptionsOf<CommonOf<K>> & Readonly<Record<string, unknown>>;
  readonly setKeys: ReadonlySet<string>;
  /** Accepted entries in file order (grep and modify apply rules in this order). */
  readonly entries: readonly PlanEntry[];
  /** The `[SECTION]` header (YAML: the plugin's map). */
  readonly span: Span;
  /** YAML `processors` of an input or output, in order (filters used as processors); absent when none. */
  readonly processors?: readonly PlanInstance<'filter'>[];
  /** For a processor: the list it is in. */
  readonly signal?: ProcessorSignal;
  /** For a native processor: its `condition` (the records it applies to; the others pass unchanged). */
  readonly condition?: Condition;
  /** For an input: its conditional `routes` for logs (Fluent Bit 4.2), in order; absent when none. */
  readonly routes?: readonly PlanRoute[];
}

/** One route of an input's `routes.logs` list. */
export interface PlanRoute {
  /** The route's name: with a condition, the tag its records carry from then on, as in Fluent Bit. */
  readonly name: string;
  /** Absent: every record takes the route, under the input's tag, to those outputs whose Match covers it. */
  readonly condition: Condition | undefined;
  /** Instance ids (`stdout.0`) of the outputs it goes to (written as an alias, instance name or plugin name). */
  readonly outputs: readonly string[];
  readonly span: Span;
}

export interface ParserPlan {
  readonly name: string;
  readonly options: ParserOptions;
  readonly span: Span;
}

export interface MultilineParserPlan {
  readonly name: string;
  /** True for Fluent Bit's built-in multiline parsers (docker, cri, go, python, java, ruby). */
  readonly builtin: boolean;
  readonly options: MultilineParserOptions | undefined;
  readonly span: Span | undefined;
}

/** The typed result of a configuration: what the engine runs. */
export interface Plan {
  readonly main: string;
  readonly files: readonly string[];
  readonly service: ServiceOptions;
  readonly inputs: readonly PlanInstance<'input'>[];
  readonly filters: readonly PlanInstance<'filter'>[];
  readonly outputs: readonly PlanInstance<'output'>[];
  /** [PARSER] definitions by name (case-sensitive, as Fluent Bit looks them up). */
  readonly parsers: ReadonlyMap<string, ParserPlan>;
  /** Multiline parsers by lowercase name, built-ins included. */
  readonly multilineParsers: ReadonlyMap<string, MultilineParserPlan>;
  /**
   * The main configuration file's directory (Fluent Bit's conf_path): where plugins look up a
   * relative file they name (a lua `script`) when it is not found from the working directory.
   */
  readonly configDir?: string;
}
