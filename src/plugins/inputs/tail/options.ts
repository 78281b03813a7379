import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt, unsupportedWhen } from '../../../options/kinds.js';

/** Encodings accepted by `generic.encoding` (converter names and their aliases, matched case-insensitively). */
const GENERIC_ENCODINGS = [
  'ShiftJIS', 'SJIS', 'CP932', 'Windows-31J',
  'GB18030',
  'GBK', 'CP936',
  'UHC', 'CP949', 'Windows-949',
  'Big5', 'CP950',
  'Win866', 'CP866',
  'Win874', 'CP874',
  'Win1250', 'CP1250',
  'Win1251', 'CP1251',
  'Win1252', 'CP1252',
  'Win1253', 'CP1253',
  'Win1254', 'CP1254',
  'Win1255', 'CP1255',
  'Win1256', 'CP1256',
] as const;

const LEGACY_MULTILINE = 'the legacy multiline mode is not implemented: lines are not joined; use multiline.parser';
const READ_AS_UTF8 = 'files are read as UTF-8 without conversion';
const on = (v: boolean) => v;

/** The options of `tail` (its own keys; defineInput merges the common ones). */
export const TAIL_OPTIONS = {
  path: opt.list({ required: true, doc: 'Comma-separated glob patterns of the files to follow' }),
  exclude_path: opt.list({ doc: 'Comma-separated shell patterns; matching files are skipped (`*` also matches `/`)' }),
  key: opt.string({ default: 'log', doc: 'Record key holding the raw line when no parser applies' }),
  read_from_head: opt.bool({ default: 'false', doc: 'Start files found at startup (with no DB offset) at the beginning instead of the end' }),
  read_newly_discovered_files_from_head: opt.bool({
    default: 'true',
    doc: 'Start files that appear after startup (with no DB offset) at the beginning',
  }),
  refresh_interval: opt.interval({ default: '60', doc: 'How often the path patterns are rescanned, in seconds (digits after a dot are nanoseconds)' }),
  watcher_interval: notActedOn(opt.time({ default: '2s', doc: 'How often symlinked paths are checked for rotation' }), 'rotation is detected from change events and refresh_interval rescans'),
  progress_check_interval: opt.time({ default: '2s', doc: 'How often followed files are checked for data the watcher may have missed' }),
  progress_check_interval_nsec: opt.int({ default: '0', doc: 'Nanoseconds added to progress_check_interval' }),
  rotate_wait: opt.time({ default: '5', doc: 'How long a rotated file is still read before it is closed (must be above 0)' }),
  ignore_older: opt.time({ default: '0', doc: 'Skip files last modified longer ago than this (0 = never skip); accepts m, h, d suffixes' }),
  ignore_active_older_files: opt.bool({ default: 'false', doc: 'Also stop following open files once they become older than ignore_older' }),
  buffer_chunk_size: notActedOn(
    opt.size({ default: '32768', doc: 'Initial per-file read buffer, and the step by which it grows' }),
    'the read buffer grows as needed up to buffer_max_size (still checked against it)',
  ),
  buffer_max_size: opt.size({ default: '32768', doc: 'Largest per-file read buffer; a longer line is skipped or stops the file (must be >= buffer_chunk_size)' }),
  static_batch_size: notActedOn(opt.size({ default: '50M', doc: 'Bytes read per pass from files that already had content at startup' }), 'files are read in blocks of its own size, taking turns'),
  event_batch_size: notActedOn(opt.size({ default: '50M', doc: 'Bytes read per pass from files followed through change events' }), 'files are read in blocks of its own size, taking turns'),
  skip_long_lines: opt.bool({ default: 'false', doc: 'Skip lines longer than buffer_max_size instead of dropping the whole file' }),
  skip_empty_lines: opt.bool({ default: 'false', doc: 'Emit no record for empty lines' }),
  truncate_long_lines: unsupportedWhen(opt.bool({ default: 'false', doc: 'Cut lines longer than buffer_max_size (after UTF-8 conversion) instead of skipping them' }), {
    when: on,
    values: 'On',
    reason: 'long lines are not cut: they are skipped (skip_long_lines On) or stop the file',
    severity: 'warning',
  }),
  exit_on_eof: opt.bool({ default: 'false', doc: 'Stop the agent when a followed file reaches its end (testing aid)' }),
  keep_file_handle: unsupportedWhen(opt.bool({ default: 'true', doc: 'Keep files open between reads; false reopens the file for every read (network shares)' }), {
    when: (v) => !v,
    values: 'Off',
    reason: 'files stay open between reads',
    severity: 'warning',
  }),
  file_cache_advise: notActedOn(
    opt.bool({ default: 'true', doc: 'Advise the kernel not to keep read file pages in its cache (Linux)' }),
    'no advice is given: the kernel caches read pages as usual',
  ),
  inotify_watcher: opt.bool({ default: 'true', doc: 'Watch files with inotify; false polls them with stat' }),
  parser: opt.string({
    references: 'parser',
    ifUndefined: 'Fluent Bit logs an error and starts anyway, reading the lines unparsed (each whole line under Key)',
    doc: '[PARSER] applied to each line',
  }),
  tag_regex: opt.regex({ doc: 'Regex on the file path whose named groups can be used in the Tag as <name>' }),
  path_key: opt.string({ doc: 'Add the file name to each record under this key' }),
  offset_key: opt.string({ doc: 'Add the line offset in the file to each record under this key' }),
  db: opt.string({ doc: 'SQLite file that remembers the read offset of every file' }),
  'db.sync': opt.enum({ values: ['extra', 'full', 'normal', 'off'] as const, default: 'normal', doc: 'SQLite synchronous mode of the offsets database' }),
  'db.locking': opt.bool({ default: 'false', doc: 'Open the offsets database in exclusive locking mode' }),
  'db.journal_mode': opt.enum({
    values: ['DELETE', 'TRUNCATE', 'PERSIST', 'MEMORY', 'WAL', 'OFF'] as const,
    default: 'WAL',
    doc: 'SQLite journal mode of the offsets database',
  }),
  'db.compare_filename': opt.bool({ default: 'false', doc: 'Match database rows on the file name as well as the inode' }),
  'multiline.parser': opt.list({
    multiple: true,
    references: 'multiline_parser',
    doc: 'Comma-separated multiline parsers (built-in such as docker, cri, or [MULTILINE_PARSER] names); may repeat',
  }),
  multiline: unsupportedWhen(opt.bool({ default: 'false', doc: 'Legacy multiline mode driven by parser_firstline (not with multiline.parser)' }), {
    when: on,
    values: 'On',
    reason: LEGACY_MULTILINE,
    severity: 'warning',
  }),
  multiline_flush: notActedOn(opt.time({ default: '4', doc: 'Legacy multiline: seconds to wait before a pending multiline record is emitted' }), LEGACY_MULTILINE),
  parser_firstline: notActedOn(opt.string({ references: 'parser', doc: 'Legacy multiline: [PARSER] that recognises the first line of a record' }), LEGACY_MULTILINE),
  parser_: notActedOn(
    opt.string({ prefix: true, references: 'parser', doc: 'Legacy multiline: extra [PARSER]s for continuation lines (parser_1, parser_2, ...)' }),
    LEGACY_MULTILINE,
  ),
  docker_mode: opt.bool({ default: 'false', doc: 'Legacy: join Docker JSON log lines that Docker split at 16 KB' }),
  docker_mode_flush: opt.int({ default: '4', doc: 'Legacy docker_mode: seconds to wait before a partial line is emitted (values below 1 mean 1)' }),
  docker_mode_parser: opt.string({ references: 'parser', doc: 'Legacy docker_mode: [PARSER] that recognises the first line of a record' }),
  'unicode.encoding': notActedOn(
    opt.enum({
      values: ['auto', 'UTF-16LE', 'UTF16-LE', 'UTF-16BE', 'UTF16-BE'] as const,
      doc: 'Convert files in this UTF-16 encoding (or auto-detect) to UTF-8',
    }),
    READ_AS_UTF8,
  ),
  'generic.encoding': notActedOn(
    opt.enum({ values: GENERIC_ENCODINGS, doc: 'Convert files in this legacy code page (ShiftJIS, GBK, Win1252, ...) to UTF-8' }),
    READ_AS_UTF8,
  ),
  'windows.path_encoding': opt.unsupported({
    doc: 'How path patterns are decoded on Windows (ansi or utf-8)',
    reason: 'Windows-only; paths are always UTF-8 in logferry',
  }),
} as const;

/** The typed options the `tail` runtime receives (common keys included). */
export type TailOptions = OptionsOfTable<'input', typeof TAIL_OPTIONS>;

/** Cross-key rules of `tail` (the definition's `check`). */
export function checkTail(o: TailOptions, ctx: CheckContext): void {
  const gzPath = o.path.find((p) => p.endsWith('.gz'));
  if (gzPath !== undefined) {
    ctx.report('invalid-value', `path '${gzPath}' names gzip files: Fluent Bit decompresses them, logferry does not yet and would read compressed bytes`, {
      key: 'path',
      severity: 'warning',
      hint: 'follow the uncompressed files instead until logferry decompresses gzip',
    });
  }
  if (o.buffer_chunk_size > o.buffer_max_size) {
    ctx.report(
      'invalid-value',
      `buffer_max_size (${o.buffer_max_size} bytes) is smaller than buffer_chunk_size (${o.buffer_chunk_size} bytes)`,
      {
        key: ctx.isSet('buffer_max_size') ? 'buffer_max_size' : 'buffer_chunk_size',
        hint: 'Fluent Bit refuses to start; raise buffer_max_size to at least buffer_chunk_size (both default to 32768)',
      },
    );
  }
  if (o.rotate_wait <= 0) {
    ctx.report('invalid-value', 'rotate_wait must be greater than 0 seconds', {
      key: 'rotate_wait',
      hint: 'Fluent Bit refuses to start; times are whole seconds, so values below 1s become 0',
    });
  }
  const mlParsers = o['multiline.parser'];
  if (mlParsers.length > 0) {
    if (o.multiline) {
      ctx.report('conflicting-keys', 'multiline.parser cannot be combined with the legacy multiline option', {
        key: 'multiline',
        hint: 'remove Multiline On (and Parser_Firstline); the multiline.parser engine replaces it',
      });
    }
    if (o.docker_mode) {
      ctx.report('conflicting-keys', 'multiline.parser cannot be combined with the legacy docker_mode option', {
        key: 'docker_mode',
        hint: 'remove Docker_Mode On and use multiline.parser docker (or docker, cri)',
      });
    }
  }
  if (o.multiline && o.docker_mode) {
    ctx.report('conflicting-keys', 'docker_mode cannot be enabled together with the legacy multiline option', {
      key: 'docker_mode',
      hint: 'Fluent Bit refuses to start; use multiline.parser instead of both',
    });
  }
  if (o.multiline && o.parser_firstline === undefined) {
    ctx.report('missing-required', 'multiline On requires parser_firstline', {
      key: 'multiline',
      hint: 'Fluent Bit refuses to start; name the [PARSER] that matches the first line of a record',
    });
  }
  if (o['unicode.encoding'] !== undefined && o['generic.encoding'] !== undefined) {
    ctx.report('conflicting-keys', 'unicode.encoding and generic.encoding cannot both be set', {
      key: 'generic.encoding',
      hint: 'Fluent Bit refuses to start; keep the one that matches the files',
    });
  }
}

