import type { PluginDefinition, PluginKind } from '../options/define.js';
import dummy from './inputs/dummy/index.js';
import libInput from './inputs/lib/index.js';
import tail from './inputs/tail/index.js';
import systemd from './inputs/systemd/index.js';
import cpu from './inputs/cpu/index.js';
import mem from './inputs/mem/index.js';
import forwardInput from './inputs/forward/index.js';
import tcp from './inputs/tcp/index.js';
import httpInput from './inputs/http/index.js';
import aws from './filters/aws/index.js';
import grep from './filters/grep/index.js';
import kubernetes from './filters/kubernetes/index.js';
import lua from './filters/lua/index.js';
import modify from './filters/modify/index.js';
import multiline from './filters/multiline/index.js';
import nest from './filters/nest/index.js';
import parser from './filters/parser/index.js';
import recordModifier from './filters/record_modifier/index.js';
import rewriteTag from './filters/rewrite_tag/index.js';
import throttle from './filters/throttle/index.js';
import cloudwatchLogs from './outputs/cloudwatch_logs/index.js';
import es from './outputs/es/index.js';
import file from './outputs/file/index.js';
import http from './outputs/http/index.js';
import kinesisFirehose from './outputs/kinesis_firehose/index.js';
import kinesisStreams from './outputs/kinesis_streams/index.js';
import kinesisGo from './outputs/kinesis/index.js';
import firehoseGo from './outputs/firehose/index.js';
import cloudwatchGo from './outputs/cloudwatch/index.js';
import libOutput from './outputs/lib/index.js';
import nullOutput from './outputs/null/index.js';
import opensearch from './outputs/opensearch/index.js';
import forwardOutput from './outputs/forward/index.js';
import s3 from './outputs/s3/index.js';
import stdout from './outputs/stdout/index.js';

export { UNSUPPORTED_PLUGINS } from './unsupported.js';

/**
 * Every plugin logferry knows, as a static list (no filesystem discovery). Importing this loads
 * only definitions (names and option tables), never engine code.
 */
export const PLUGINS: readonly PluginDefinition[] = [
  tail,
  systemd,
  dummy,
  libInput,
  cpu,
  mem,
  forwardInput,
  tcp,
  httpInput,
  kubernetes,
  parser,
  grep,
  modify,
  recordModifier,
  nest,
  rewriteTag,
  throttle,
  multiline,
  lua,
  aws,
  cloudwatchLogs,
  kinesisFirehose,
  kinesisStreams,
  kinesisGo,
  firehoseGo,
  cloudwatchGo,
  stdout,
  file,
  http,
  es,
  opensearch,
  forwardOutput,
  s3,
  nullOutput,
  libOutput,
];

/** Plugins added by an embedding program (`registerPlugin`), looked up before the built-in ones. */
const CUSTOM: PluginDefinition[] = [];

/** Other names Fluent Bit accepts for a plugin (src/flb_plugin_alias.c): `elasticsearch` is `es`. */
export const PLUGIN_ALIASES: Readonly<Record<PluginKind, Readonly<Record<string, string>>>> = { input: {}, filter: {}, output: { elasticsearch: 'es' } };

/** The aliases of a plugin (e.g. `elasticsearch` for the es output). */
export function aliasesOf(kind: PluginKind, name: string): string[] {
  return Object.entries(PLUGIN_ALIASES[kind])
    .filter(([, target]) => target === name)
    .map(([alias]) => alias);
}

export function findPlugin(kind: PluginKind, name: string): PluginDefinition | undefined {
  const lower = name.toLowerCase();
  const n = PLUGIN_ALIASES[kind][lower] ?? lower;
  return CUSTOM.find((p) => p.kind === kind && p.name === n) ?? PLUGINS.find((p) => p.kind === kind && p.name === n);
}

/** Every plugin logferry can run: the embedding program's custom ones, then the built-in ones. */
export function allPlugins(): readonly PluginDefinition[] {
  return CUSTOM.length === 0 ? PLUGINS : [...CUSTOM, ...PLUGINS];
}

/**
 * Makes a plugin defined with defineInput/defineFilter/defineOutput usable by `Name` in
 * configurations (validation knows its options table; `run` uses its `create`). A name may not
 * shadow a built-in plugin of the same kind. Returns a function that unregisters it.
 */
export function registerPlugin(definition: PluginDefinition): () => void {
  const existing = findPlugin(definition.kind, definition.name);
  if (existing) throw new Error(`a ${definition.kind} plugin named '${definition.name}' is already registered`);
  if (definition.name !== definition.name.toLowerCase()) throw new Error(`plugin names are lowercase: '${definition.name}'`);
  CUSTOM.push(definition);
  return () => {
    const i = CUSTOM.indexOf(definition);
    if (i >= 0) CUSTOM.splice(i, 1);
  };
}
