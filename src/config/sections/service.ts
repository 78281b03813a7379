/**
 * The [SERVICE] section: Fluent Bit's `service_configs` table (`src/flb_config.c`) with the
 * defaults set in `flb_config_init`, `flb_storage.c`, `flb_scheduler.h` and `flb_ml.h`.
 *
 * How Fluent Bit applies these keys (`flb_config_set_property`): in order, the last value of a key
 * wins, except `Parsers_File` and `Plugins_File`, which load a file each time they occur. Integers
 * are read with `atoi`, doubles with `atof`, booleans with `flb_utils_bool`, which returns -1
 * (truthy) for unrecognised text, hence `opt.serviceBool`. `Log_Level` is the one key whose bad
 * value stops Fluent Bit ("could not configure service property").
 *
 * Unknown [SERVICE] keys are silently ignored by Fluent Bit (the loop in `flb_config_set_property`
 * simply finds no entry and returns 0). This table lists every key Fluent Bit knows, so the plan
 * builder can warn about any other key (probably a typo) instead of failing.
 *
 * Keys marked "newer than 4.2.8" exist in Fluent Bit's master branch but not in the 4.2.8 release
 * logferry is measured against; 4.2.8 ignores them like any unknown key.
 */
import { defineSection } from '../../options/define.js';
import { opt } from '../../options/kinds.js';
import type { ParseOutcome } from '../../options/spec.js';
import { atof } from '../../options/units.js';

const LOG_LEVELS = ['off', 'error', 'warn', 'warning', 'info', 'debug', 'trace'] as const;

/** `FLB_ML_BUFFER_LIMIT_DEFAULT` (2 MiB): what Fluent Bit uses when `multiline_buffer_limit` is invalid. */
export const MULTILINE_BUFFER_LIMIT_FALLBACK = 2 * 1024 * 1024;

/**
 * `flb_utils_size_to_binary_bytes` (`src/flb_utils.c`): like the decimal size parser, but the
 * units are powers of 1024, and `K`, `KB` and `KiB` (any case) are all accepted. The trailing
 * letters (at most 3) are the unit; `false` is 0; anything else unrecognised is -1.
 */
export function sizeToBinaryBytes(text: string): number {
  if (text.toLowerCase() === 'false') return 0;
  if (text.length === 0) return -1;
  const val = atof(text);
  const m = /[A-Za-z]*$/.exec(text);
  const unit = (m ? m[0] : '').toUpperCase();
  if (unit.length === 0) return Math.trunc(val);
  if (unit.length > 3) return -1;
  if (unit.length === 2 && unit[1] !== 'B') return -1;
  if (unit.length === 3 && unit.slice(1) !== 'IB') return -1;
  switch (unit[0]) {
    case 'K':
      return val >= 9223372036854775 || val <= -9223372036854774 ? -1 : Math.trunc(val * 1024);
    case 'M':
      return val >= 9223372036854 || val <= -9223372036853 ? -1 : Math.trunc(val * 1024 ** 2);
    case 'G':
      return val >= 9223372036 || val <= -9223372035 ? -1 : Math.trunc(val * 1024 ** 3);
    default:
      return -1;
  }
}

/**
 * `multiline_buffer_limit`: since Fluent Bit 4.1 it is read with the binary size parser
 * (`flb_ml.c`: `flb_utils_size_to_binary_bytes`), so the default `2MB` is 2,097,152 bytes; a value
 * it cannot read silently becomes 2 MiB.
 */
export function parseMultilineBufferLimit(text: string): ParseOutcome<number> {
  const bytes = sizeToBinaryBytes(text.trim());
  if (bytes < 0) {
    return {
      ok: true,
      value: MULTILINE_BUFFER_LIMIT_FALLBACK,
      warning: `'${text}' is not a size; Fluent Bit silently uses 2MiB (2097152 bytes)`,
    };
  }
  return { ok: true, value: bytes };
}

/**
 * A word Fluent Bit reads by its first letter (`toupper(value[0])`), with a fallback for anything
 * else: `dns.mode` (T = TCP, else UDP), `dns.resolver` (L = legacy, else async).
 */
function firstLetterChoice<V extends string>(values: readonly V[], fallback: V): (text: string) => ParseOutcome<V> {
  return (text) => {
    const t = text.trim().toLowerCase();
    if ((values as readonly string[]).includes(t)) return { ok: true, value: t as V };
    const byLetter = values.find((v) => v[0] === t[0]) ?? fallback;
    return {
      ok: true,
      value: byLetter,
      warning: `'${text}' is not one of ${values.join(', ')}; Fluent Bit only looks at the first letter and uses ${byLetter}`,
    };
  };
}

/** `storage.type` (with `storage.inherit`): an unknown type falls back to memory with a warning. */
function parseStorageType(text: string): ParseOutcome<'memory' | 'filesystem' | 'memrb'> {
  const t = text.trim().toLowerCase();
  if (t === 'memory' || t === 'filesystem' || t === 'memrb') return { ok: true, value: t };
  return { ok: true, value: 'memory', warning: `'${text}' is not memory, filesystem or memrb; Fluent Bit falls back to memory` };
}

export default defineSection({
  name: 'service',
  description: 'Global settings: flush interval, logging, HTTP monitoring server, storage, scheduler',
  options: {
    // Engine
    flush: opt.seconds({ default: '1', doc: 'Seconds between flushes of buffered records to the outputs (decimal allowed, e.g. 0.5)' }),
    grace: opt.int({ default: '5', doc: 'Seconds to keep flushing on shutdown (-1 = until everything is flushed)' }),
    daemon: opt.serviceBool({ default: 'off', doc: 'Run in the background (ignored by logferry; use your process manager)' }),
    log_file: opt.string({ doc: 'Write the agent log to this file instead of stderr' }),
    log_level: opt.enum({ values: LOG_LEVELS, default: 'info', doc: 'Agent log level (FLB_LOG_LEVEL in the environment overrides it)' }),
    parsers_file: opt.string({ multiple: true, doc: 'File of [PARSER] and [MULTILINE_PARSER] sections; every occurrence loads a file' }),
    plugins_file: opt.string({ multiple: true, doc: 'File of [PLUGINS] sections listing external plugins; every occurrence loads a file' }),
    streams_file: opt.string({ doc: 'Stream processor configuration file' }),
    'sp.convert_from_str_to_num': opt.serviceBool({ default: 'on', doc: 'Stream processor: convert numeric strings to numbers' }),
    coro_stack_size: opt.int({ min: 0, default: '24576', doc: 'Coroutine stack size in bytes (raised to the page size if lower)' }),
    multiline_buffer_limit: opt.custom(
      'size',
      { default: '2MB', doc: 'Cap on one concatenated multiline record; longer ones are truncated and flushed. Binary units: 2MB = 2 MiB' },
      parseMultilineBufferLimit,
    ),
    'json.convert_nan_to_null': opt.serviceBool({ default: 'off', doc: 'Encode NaN as null in JSON output' }),
    'json.escape_unicode': opt.serviceBool({ default: 'on', doc: 'Escape non-ASCII characters as \\uXXXX in JSON output' }),
    'security.fips_mode': opt.serviceBool({ default: 'off', doc: 'Use FIPS-validated cryptography only (newer than 4.2.8)' }),
    enable_chunk_trace: opt.serviceBool({ default: 'off', doc: 'Allow chunk tracing through the HTTP API' }),
    'windows.maxstdio': opt.int({ default: '512', doc: 'Windows only: maximum number of open stdio streams' }),

    // Adaptive flush (newer than 4.2.8)
    'flush.adaptive': opt.serviceBool({ default: 'off', doc: 'Adapt the flush interval to buffer pressure (newer than 4.2.8)' }),
    'flush.adaptive.min_interval': opt.double({ default: '0.5', doc: 'Adaptive flush: shortest interval in seconds (newer than 4.2.8)' }),
    'flush.adaptive.max_interval': opt.double({ default: '2.0', doc: 'Adaptive flush: longest interval in seconds (newer than 4.2.8)' }),
    'flush.adaptive.low_pressure': opt.double({ default: '25.0', doc: 'Adaptive flush: low pressure threshold, percent (newer than 4.2.8)' }),
    'flush.adaptive.medium_pressure': opt.double({ default: '50.0', doc: 'Adaptive flush: medium pressure threshold, percent (newer than 4.2.8)' }),
    'flush.adaptive.high_pressure': opt.double({ default: '75.0', doc: 'Adaptive flush: high pressure threshold, percent (newer than 4.2.8)' }),
    'flush.adaptive.up_steps': opt.int({ default: '2', doc: 'Adaptive flush: consecutive readings before speeding up (newer than 4.2.8)' }),
    'flush.adaptive.down_steps': opt.int({ default: '3', doc: 'Adaptive flush: consecutive readings before slowing down (newer than 4.2.8)' }),

    // HTTP monitoring server
    http_server: opt.serviceBool({ default: 'off', doc: 'Start the HTTP monitoring server' }),
    http_listen: opt.string({ default: '0.0.0.0', doc: 'Address of the HTTP monitoring server' }),
    http_port: opt.int({ min: 0, max: 65535, default: '2020', doc: 'Port of the HTTP monitoring server (logferry: 0 picks a free port, logged at start; Fluent Bit refuses 0)' }),
    health_check: opt.serviceBool({ default: 'off', doc: 'Serve /api/v1/health (200 ok, or 500 error past HC_Errors_Count or HC_Retry_Failure_Count); off: 404' }),
    hc_errors_count: opt.int({ default: '5', doc: 'Health check: output errors within HC_Period above which the agent is unhealthy' }),
    hc_retry_failure_count: opt.int({ default: '5', doc: 'Health check: failed retries within HC_Period above which the agent is unhealthy' }),
    hc_period: opt.int({ default: '60', doc: 'Health check: window in seconds' }),

    // DNS defaults for every upstream connection (net.dns.* of the outputs)
    'dns.mode': opt.custom(
      'enum',
      { values: ['udp', 'tcp'], doc: 'Default DNS transport of outputs: UDP or TCP' },
      firstLetterChoice(['udp', 'tcp'] as const, 'udp'),
    ),
    'dns.resolver': opt.custom(
      'enum',
      { values: ['async', 'legacy'], doc: 'Default DNS resolver of outputs: async or legacy' },
      firstLetterChoice(['async', 'legacy'] as const, 'async'),
    ),
    'dns.prefer_ipv4': opt.serviceBool({ default: 'off', doc: 'Default for outputs: prefer IPv4 addresses' }),
    'dns.prefer_ipv6': opt.serviceBool({ default: 'off', doc: 'Default for outputs: prefer IPv6 addresses' }),

    // Storage
    'storage.path': opt.string({ doc: 'Directory for filesystem buffering (inputs with storage.type filesystem)' }),
    'storage.sync': opt.enum({ values: ['normal', 'full'] as const, default: 'normal', doc: 'Filesystem synchronisation mode' }),
    'storage.checksum': opt.serviceBool({ default: 'off', doc: 'CRC32 checksums on chunk files' }),
    'storage.metrics': opt.serviceBool({ default: 'on', doc: 'Storage metrics (/api/v1/storage)' }),
    'storage.max_chunks_up': opt.int({ min: 0, default: '128', doc: 'Chunks kept in memory with filesystem buffering (0 = 128)' }),
    'storage.backlog.mem_limit': opt.size({ default: '100M', doc: 'Bytes of backlog chunks (left on disk by a previous run) handed to outputs at a time' }),
    'storage.backlog.flush_on_shutdown': opt.serviceBool({ default: 'off', doc: 'Try to flush the filesystem backlog during shutdown' }),
    'storage.delete_irrecoverable_chunks': opt.serviceBool({ default: 'off', doc: 'Delete corrupted chunk files instead of keeping them' }),
    'storage.trim_files': opt.serviceBool({ default: 'off', doc: 'Shrink chunk files to their content' }),
    'storage.type': opt.custom(
      'enum',
      { values: ['memory', 'filesystem', 'memrb'], doc: 'Storage type inherited by inputs with storage.inherit: memory, filesystem or memrb' },
      parseStorageType,
    ),
    'storage.inherit': opt.serviceBool({ default: 'off', doc: 'Inputs without storage.type use the [SERVICE] storage.type' }),
    'storage.keep.rejected': opt.serviceBool({ default: 'off', doc: 'Keep chunks rejected by outputs in a dead-letter stream (needs storage.path)' }),
    'storage.rejected.path': opt.string({ default: 'rejected', doc: 'Name of the dead-letter stream under storage.path' }),
    'storage.rejected.limit': opt.size({ doc: 'Cap on the dead-letter stream size (newer than 4.2.8)' }),

    // Retry scheduler
    'scheduler.base': opt.int({ default: '5', doc: 'Retry backoff: base in seconds' }),
    'scheduler.cap': opt.int({ default: '2000', doc: 'Retry backoff: maximum wait in seconds' }),

    // Hot reload
    hot_reload: opt.serviceBool({ default: 'off', doc: 'Reload the configuration on SIGHUP or POST/PUT /api/v2/reload; invalid files are rejected and the running pipeline kept' }),
    'hot_reload.ensure_thread_safety': opt.serviceBool({ default: 'on', doc: 'Hot reload: stop the old pipeline only once everything buffered is delivered (Grace -1); off: after Grace' }),
    'hot_reload.timeout': opt.int({ default: '0', doc: 'Hot reload: abort the agent when a reload takes longer than this many seconds (0 = no limit)' }),
  },
});
