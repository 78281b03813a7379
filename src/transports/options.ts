import type { ConfigFormat } from '../config/document/model.js';
import { createPipeline, type EmbeddedPipeline } from '../embed/embedded-pipeline.js';
import { PipelineError } from '../errors.js';

/** A value of a shorthand key: written into the configuration as Fluent Bit reads it (true = On). */
export type ShorthandValue = string | number | boolean;

/**
 * The options of `logferry/pino` and `logferry/winston`: a Fluent Bit configuration with a `lib`
 * input (the lines go to the first one), or a shorthand for one `lib` input and one output.
 */
export type TransportOptions = ConfigTransportOptions | ShorthandTransportOptions;

export interface ConfigTransportOptions {
  readonly config: { readonly path: string } | { readonly text: string; readonly format?: ConfigFormat };
  /** The tag of the lines (default: the lib input's Tag). */
  readonly tag?: string;
}

/**
 * `{ output: 'cloudwatch_logs', region: 'us-east-1', log_group_name: 'app', ... }`: every key but
 * `output`, `service` and `input` is a key of the [OUTPUT] section (Match *); `service` and
 * `input` hold keys of [SERVICE] and of the `lib` [INPUT] (Mem_Buf_Limit, Tag). Validation is the
 * configuration's: a misspelt key is an error naming it.
 */
export interface ShorthandTransportOptions {
  readonly output: string;
  readonly service?: Readonly<Record<string, ShorthandValue>>;
  readonly input?: Readonly<Record<string, ShorthandValue>>;
  readonly tag?: string;
  readonly [key: string]: ShorthandValue | Readonly<Record<string, ShorthandValue>> | undefined;
}

/** The classic configuration a shorthand stands for. */
export function shorthandConfig(options: ShorthandTransportOptions, defaultTag: string): string {
  const { output, service = {}, input = {}, tag: _tag, ...outputKeys } = options;
  const section = (header: string, keys: Readonly<Record<string, unknown>>) => {
    const lines = [`[${header}]`];
    for (const [key, value] of Object.entries(keys)) {
      if (value === undefined) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TypeError(`transport option '${key}' must be a string, a number or a boolean, got ${typeof value}`);
      }
      const text = typeof value === 'boolean' ? (value ? 'On' : 'Off') : String(value);
      if (/[\r\n]/.test(key + text) || /\s/.test(key) || key === '') throw new TypeError(`transport option '${key}' cannot hold a line break, and its name no space`);
      lines.push(`    ${key} ${text}`);
    }
    return lines.join('\n') + '\n';
  };
  return [
    ...(Object.keys(service).length > 0 ? [section('SERVICE', service)] : []),
    section('INPUT', { Name: 'lib', Tag: defaultTag, ...input }),
    section('OUTPUT', { Name: output, Match: '*', ...outputKeys }),
  ].join('\n');
}

/** The pipeline a transport runs (not started); throws a ConfigError for a configuration with errors. */
export function transportPipeline(options: TransportOptions, defaultTag: string): EmbeddedPipeline {
  if (typeof options !== 'object' || options === null) throw new TypeError('transport options must be an object: { config: { path } } or { output, ...keys }');
  const source = isConfigOptions(options)
    ? options.config
    : typeof options.output === 'string'
      ? { text: shorthandConfig(options, defaultTag), name: `logferry-${defaultTag}.conf` }
      : undefined;
  if (source === undefined) throw new TypeError("transport options need 'config' ({ path } or { text }) or 'output' (a plugin name)");
  const pipeline = createPipeline(source);
  if (!pipeline.plan.inputs.some((i) => i.plugin === 'lib')) throw new PipelineError(`the transport's configuration has no [INPUT] lib: the log lines go in through one`);
  return pipeline;
}

function isConfigOptions(options: TransportOptions): options is ConfigTransportOptions {
  return 'config' in options && typeof options.config === 'object' && options.config !== null;
}
