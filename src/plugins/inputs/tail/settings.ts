/**
 * tail's options, compiled once when the input is created: patterns, parsers, multiline setup,
 * times in milliseconds. Unknown parser names are logged and ignored, as Fluent Bit does; an
 * unknown multiline parser is an error (Fluent Bit refuses to start).
 */
import { PipelineError } from '../../../errors.js';
import { createMultiline, MultilineSetupError, type Multiline } from '../../../parsers/multiline/index.js';
import { createParser, type RecordParser } from '../../../parsers/runtime/index.js';
import { compileFnmatch } from './fnmatch.js';
import type { RecordKeys } from './line-handlers.js';
import type { OffsetsDbOptions } from './offsets-db.js';
import type { InputContext } from '../../../engine/plugin.js';
import type { TailOptions } from './options.js';


export interface TailSettings {
  readonly patterns: readonly string[];
  readonly exclude: readonly RegExp[];
  readonly keys: RecordKeys;
  /** Tag as configured (default: the instance name). */
  readonly tag: string;
  readonly tagRegex: RegExp | undefined;
  readonly readFromHead: boolean;
  readonly readNewFromHead: boolean;
  readonly refreshMs: number;
  readonly rotateWaitMs: number;
  readonly ignoreOlderMs: number;
  readonly ignoreActiveOlder: boolean;
  readonly bufferMaxSize: number;
  readonly skipLongLines: boolean;
  readonly skipEmptyLines: boolean;
  readonly exitOnEof: boolean;
  readonly inotify: boolean;
  /** Period of the safety-net poll when change notification works. */
  readonly progressCheckMs: number;
  readonly db: (OffsetsDbOptions & { readonly path: string }) | undefined;
  /** Creates the single-line parser of one file (parsers keep per-call state, so one per file is safest). */
  readonly parser: (() => RecordParser) | undefined;
  readonly multiline: Multiline | undefined;
  /** The multiline list has one parser and no key_group: at most one message is open per file. */
  readonly multilineExact: boolean;
  readonly dockerMode: { readonly flushSec: number; readonly firstLine: (() => RecordParser) | undefined } | undefined;
}

function parserFactory(ctx: InputContext, name: string | undefined, key: string): (() => RecordParser) | undefined {
  if (name === undefined) return undefined;
  const plan = ctx.parsers.parsers.get(name);
  if (plan === undefined) {
    ctx.log.error(`${key}: parser '${name}' is not registered`);
    return undefined;
  }
  return () => createParser(plan);
}

export function tailSettings(o: TailOptions, ctx: InputContext): TailSettings {
  const mlNames = o['multiline.parser'].flat();
  let multiline: Multiline | undefined;
  if (mlNames.length > 0) {
    try {
      multiline = createMultiline(mlNames, ctx.parsers, { bufferLimit: ctx.service.multiline_buffer_limit });
    } catch (err) {
      if (err instanceof MultilineSetupError) throw new PipelineError(`tail: ${err.message}`, { cause: err });
      throw err;
    }
  }
  const specs = multiline?.instances ?? [];
  return {
    patterns: o.path,
    exclude: (o.exclude_path ?? []).map(compileFnmatch),
    keys: { key: o.key, pathKey: o.path_key, offsetKey: o.offset_key },
    tag: ctx.tag,
    tagRegex: o.tag_regex?.regexp,
    readFromHead: o.read_from_head,
    readNewFromHead: o.read_newly_discovered_files_from_head || o.read_from_head,
    refreshMs: Math.max(1, o.refresh_interval),
    rotateWaitMs: Math.max(1, o.rotate_wait),
    ignoreOlderMs: o.ignore_older,
    ignoreActiveOlder: o.ignore_active_older_files,
    bufferMaxSize: o.buffer_max_size,
    skipLongLines: o.skip_long_lines,
    skipEmptyLines: o.skip_empty_lines,
    exitOnEof: o.exit_on_eof,
    inotify: o.inotify_watcher,
    progressCheckMs: Math.max(250, o.progress_check_interval + o.progress_check_interval_nsec / 1e6),
    db:
      o.db === undefined
        ? undefined
        : {
            path: o.db,
            sync: o['db.sync'],
            locking: o['db.locking'],
            journalMode: o['db.journal_mode'],
            compareFilename: o['db.compare_filename'],
          },
    parser: multiline === undefined ? parserFactory(ctx, o.parser, 'parser') : undefined,
    multiline,
    multilineExact: specs.length === 1 && specs[0]!.spec.keyGroup === undefined,
    dockerMode:
      o.docker_mode && multiline === undefined
        ? { flushSec: Math.max(1, o.docker_mode_flush), firstLine: parserFactory(ctx, o.docker_mode_parser, 'docker_mode_parser') }
        : undefined,
  };
}
