import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';

/**
 * A journal match `FIELD=value` as `sd_journal_add_match` accepts it: a field name of A-Z, 0-9
 * and `_` (not starting with `__`, which names the journal's own addresses), then `=`.
 */
export function parseJournalMatch(text: string): ParseOutcome<string> {
  const eq = text.indexOf('=');
  const field = eq < 0 ? text : text.slice(0, eq);
  if (eq <= 0 || !/^[A-Z0-9_]+$/.test(field) || field.startsWith('__')) {
    return {
      ok: false,
      message: `'${text}' is not a journal match FIELD=value (Fluent Bit refuses to start: systemd_filter error)`,
      hint: 'write FIELD=value with an upper-case journal field name, e.g. _SYSTEMD_UNIT=kubelet.service',
    };
  }
  return { ok: true, value: text };
}

const SYNC_MODES = ['extra', 'full', 'normal', 'off'] as const;

/** `db.sync`: Fluent Bit logs an error for an unknown mode and keeps SQLite's default (full), so that is a warning. */
function parseDbSync(text: string): ParseOutcome<'extra' | 'full' | 'normal' | 'off' | 'default'> {
  const v = text.trim().toLowerCase();
  if ((SYNC_MODES as readonly string[]).includes(v)) return { ok: true, value: v as (typeof SYNC_MODES)[number] };
  return { ok: true, value: 'default', warning: `invalid database 'db.sync' value: ${text}; Fluent Bit keeps SQLite's default (full)` };
}

/** The options of `systemd` (its own keys; defineInput merges the common ones). */
export const SYSTEMD_OPTIONS = {
  path: opt.string({ doc: 'Journal directory to read (default: the local system journal)' }),
  max_fields: opt.int({ default: '8000', doc: 'Most fields kept per record; further fields of an entry are left out' }),
  max_entries: opt.int({ default: '5000', doc: 'Most entries appended per batch' }),
  systemd_filter: opt.custom('match', { multiple: true, doc: 'Only entries with this FIELD=value (journal match); may repeat' }, parseJournalMatch),
  systemd_filter_type: opt.enum({ values: ['And', 'Or'] as const, default: 'Or', doc: 'How several systemd_filter combine: Or (any matches) or And (all match)' }),
  read_from_tail: opt.bool({ default: 'false', doc: 'Start at the end of the journal (new entries only) when the DB has no cursor' }),
  lowercase: opt.bool({ default: 'false', doc: 'Lowercase the field names (record keys)' }),
  strip_underscores: opt.bool({ default: 'false', doc: 'Remove the leading underscore of field names (_PID becomes PID)' }),
  db: opt.string({ doc: 'SQLite file that remembers the journal cursor of the last entry safely buffered' }),
  'db.sync': opt.custom('enum', { values: SYNC_MODES, doc: 'SQLite synchronous mode of the cursor database: extra, full, normal or off (default: SQLite full)' }, parseDbSync),
} as const;

/** The typed options the `systemd` runtime receives (common keys included). */
export type SystemdOptions = OptionsOfTable<'input', typeof SYSTEMD_OPTIONS>;

/** Cross-key rules of `systemd` (the definition's `check`). */
export function checkSystemd(o: SystemdOptions, ctx: CheckContext): void {
  if (o.max_fields < 1) {
    ctx.report('invalid-value', `max_fields ${o.max_fields} keeps no field of any entry`, { key: 'max_fields', severity: 'warning', hint: 'use 1 or more (default 8000)' });
  }
  if (o.max_entries < 1) {
    ctx.report('invalid-value', `max_entries ${o.max_entries}: Fluent Bit reads one entry per round; logferry appends one per batch`, {
      key: 'max_entries',
      severity: 'warning',
    });
  }
  if (o.systemd_filter_type === 'and') {
    const fields = o.systemd_filter.map((m) => m.slice(0, m.indexOf('=')));
    const twice = fields.find((f, i) => fields.indexOf(f) !== i);
    if (twice !== undefined) {
      ctx.report('invalid-value', `systemd_filter_type And with ${twice} matched twice: only entries carrying both values of ${twice} pass`, {
        key: 'systemd_filter_type',
        severity: 'warning',
        hint: 'entries usually have one value per field; use Systemd_Filter_Type Or to accept either value',
      });
    }
  }
}

