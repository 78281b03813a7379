import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt, unsupportedWhen } from '../../../options/kinds.js';
import { DELIMITERS } from './delimiters.js';

const DYNAMIC_ACTIONS = ['error', 'drop', 'fallback'] as const;

/** Destinations built from record accessors (`$key`) are not implemented: run refuses them. */
const RECORD_ACCESSOR_DESTINATION = {
  when: (v: string) => v.includes('$'),
  values: 'containing $ (a record accessor)',
  reason: 'destinations built from record accessors are not implemented yet; use a fixed path and file, or rewrite_tag and one output per tag',
  severity: 'error',
} as const;

/** The dynamic-destination limits only act on record-accessor destinations, which logferry refuses. */
const NO_DYNAMIC_LIMITS = 'logferry does not limit or redirect dynamic destinations: every strftime destination is opened, and record accessors in path or file are refused';

export { DELIMITERS };

/** The options of `file` (its own keys; defineOutput merges the common ones). */
export const FILE_OPTIONS = {
  path: unsupportedWhen(opt.string({ doc: 'Directory of the output files; may contain record accessors after a fixed prefix' }), RECORD_ACCESSOR_DESTINATION),
  file: unsupportedWhen(
    opt.string({ doc: 'File name (default: the tag made safe: . and .. components and bytes outside A-Za-z0-9._- become _), inside path when set; may contain record accessors' }),
    RECORD_ACCESSOR_DESTINATION,
  ),
  enable_strftime: opt.bool({ default: 'false', doc: 'Expand strftime % placeholders in path and file with the record time (UTC)' }),
  max_dynamic_files: notActedOn(opt.int({ default: '1024', min: 0, doc: 'Most distinct destinations that record accessors may open (0 = no limit)' }), NO_DYNAMIC_LIMITS),
  on_missing_field: notActedOn(
    opt.enum({ values: DYNAMIC_ACTIONS, default: 'error', doc: 'When a dynamic path or file cannot be built from a record: error, drop or fallback' }),
    NO_DYNAMIC_LIMITS,
  ),
  on_limit_reached: notActedOn(opt.enum({ values: DYNAMIC_ACTIONS, default: 'error', doc: 'When max_dynamic_files would be exceeded: error, drop or fallback' }), NO_DYNAMIC_LIMITS),
  fallback_path: notActedOn(opt.string({ doc: 'Directory used when a fallback action applies' }), NO_DYNAMIC_LIMITS),
  fallback_file: notActedOn(opt.string({ doc: 'File used when a fallback action applies (required with dynamic destinations)' }), NO_DYNAMIC_LIMITS),
  format: unsupportedWhen(
    opt.enum({
      values: ['out_file', 'plain', 'csv', 'ltsv', 'msgpack', 'template'] as const,
      doc: 'Line format: out_file (tag: [time, record], the default), plain (record JSON), csv, ltsv, msgpack or template',
    }),
    { when: (f) => f === 'msgpack', values: 'msgpack', reason: 'writing raw msgpack is not implemented yet; use plain for one JSON record per line', severity: 'error' },
  ),
  delimiter: opt.string({ doc: 'Field delimiter for csv and ltsv: tab (or \\t), space or comma' }),
  label_delimiter: opt.string({ doc: 'Key/value delimiter for ltsv: tab (or \\t), space or comma' }),
  template: opt.string({ default: '{time} {message}', doc: 'Line template for the template format; {key} is replaced by the record value' }),
  csv_column_names: opt.bool({ default: 'false', doc: 'Write a header line of column names when a csv file is created' }),
  mkdir: opt.bool({ default: 'false', doc: 'Create the output directory (mode 0755) if it does not exist' }),
  rotate: opt.bool({ default: 'false', doc: 'Rotate output files by size' }),
  rotate_max_size: opt.size({ default: '100M', doc: 'Size at which an output file is rotated' }),
  rotate_max_files: opt.int({ default: '7', doc: 'Rotated files kept per output file' }),
  rotate_gzip: opt.bool({ default: 'true', doc: 'Compress rotated files with gzip' }),
  workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
} as const;

/** The typed options the `file` runtime receives (common keys included). */
export type FileOptions = OptionsOfTable<'output', typeof FILE_OPTIONS>;

/** Cross-key rules of `file` (the definition's `check`). */
export function checkFile(o: FileOptions, ctx: CheckContext): void {
  const fatal = 'Fluent Bit refuses to start';
  for (const key of ['on_missing_field', 'on_limit_reached'] as const) {
    if (o[key] === 'fallback' && o.fallback_file === undefined) {
      ctx.report('missing-required', `${key} fallback requires fallback_file`, { key, hint: `${fatal}; set fallback_file (and optionally fallback_path)` });
    }
  }
  if (o.path !== undefined && o.path.startsWith('$')) {
    ctx.report('invalid-value', 'a path built from record accessors must start with a fixed directory', {
      key: 'path',
      hint: `${fatal}; e.g. /var/log/out/$kubernetes['namespace_name']`,
    });
  }
  const dynamic =
    (o.path?.includes('$') ?? false) ||
    (o.file?.includes('$') ?? false) ||
    (o.enable_strftime && ((o.path?.includes('%') ?? false) || (o.file?.includes('%') ?? false)));
  if (dynamic && o.fallback_file === undefined) {
    ctx.report('missing-required', 'fallback_file is required when path or file is built from the record', {
      key: o.file?.includes('$') || (o.enable_strftime && o.file?.includes('%')) ? 'file' : 'path',
      hint: `${fatal}; set fallback_file for records whose destination cannot be built`,
    });
  }
  if (o.rotate) {
    if (o.rotate_max_size === 0) {
      ctx.report('invalid-value', 'rotate_max_size must be greater than 0 when rotate is on', { key: 'rotate_max_size', hint: fatal });
    }
    if (o.rotate_max_files < 1) {
      ctx.report('invalid-value', `rotate_max_files ${o.rotate_max_files} must be at least 1 when rotate is on`, { key: 'rotate_max_files', hint: fatal });
    }
  }
  for (const key of ['delimiter', 'label_delimiter'] as const) {
    const value = o[key];
    if (value !== undefined && DELIMITERS[value.toLowerCase()] === undefined) {
      ctx.report('invalid-value', `${key} '${value}' is not recognised; Fluent Bit ignores it`, {
        key,
        severity: 'warning',
        hint: 'use tab, space or comma',
      });
    }
  }
}

