/**
 * logferry's public API: validate and load Fluent Bit configurations, run them inside a Node
 * program, and add plugins written in TypeScript.
 *
 * ```ts
 * import { createPipeline } from 'logferry';
 * const p = createPipeline({ text: '[INPUT]\n    Name lib\n[OUTPUT]\n    Name lib\n    Match *\n' });
 * p.on('records', (b) => console.log(b.events));
 * await p.start();
 * p.push('app', { msg: 'hello' });
 * await p.stop();
 * ```
 */
export { validateConfig, loadConfig, type ConfigSource, type ConfigOptions } from './embed/config-source.js';
export {
  createPipeline,
  EmbeddedPipeline,
  type CreatePipelineOptions,
  type OutputBatch,
  type PipelineEvents,
  type Pushed,
  type PushOptions,
  type PushAsyncOptions,
  type RecordsListener,
  type RecordsOptions,
  type StopOptions,
} from './embed/embedded-pipeline.js';
export type { WritableOptions } from './embed/push-writable.js';
export type { LogHook, PinoLikeLogger, WinstonLikeLogger } from './embed/log-hook.js';
export { registerPlugin } from './plugins/registry.js';
export {
  defineInput,
  defineFilter,
  defineOutput,
  type PluginDefinition,
  type PluginKind,
  type PluginOptions,
  type PluginContextOf,
  type CheckContext,
} from './options/define.js';
export { opt } from './options/kinds.js';
export type { OptionsOf } from './options/spec.js';
export type { Plan, PlanInstance, ServiceOptions } from './config/plan/types.js';
export type { Diagnostic, Severity, Span, Position } from './diagnostics/diagnostic.js';
export { formatText as formatDiagnostics } from './diagnostics/format-text.js';
export { LogferryError, ConfigError, PipelineError, DeliveryError, BackpressureError } from './errors.js';
export { nowNanos, type LogEvent, type LogRecord, type EventBatch, type Nanos } from './record/event.js';
export type {
  InputContext,
  InputRuntime,
  FilterContext,
  FilterRuntime,
  OutputContext,
  OutputRuntime,
  FlushResult,
  FlushAttempt,
  PluginContext,
  PluginServices,
  EmitterSettings,
  PluginHost,
} from './engine/plugin.js';
export type { MetricsSnapshot, StorageStatus, InputStorageStatus } from './engine/metrics.js';
export type { Logger, LogEntry, LogLevel, LogSink } from './engine/logger.js';
