/**
 * The `journalctl` command line that reads what in_systemd reads with sd-journal: JSON lines with
 * every field in full (`--all`: no value left out for its size or bytes), followed for new entries.
 * `--follow` alone limits journalctl to the latest boot in the journal (and makes it exit on a
 * directory without journal files yet); `--merge` lifts that, so every boot is read as sd-journal
 * reads it. Without Path, `--merge` also takes in remote journals (journal-remote's), where Fluent
 * Bit opens the local ones only.
 */

export interface JournalctlPosition {
  /** Resume after this entry (the DB cursor, or the last entry handed to the engine). */
  readonly afterCursor?: string;
  /** No cursor: start at the end (Read_From_Tail), else at the head. */
  readonly fromTail: boolean;
  /**
   * Read_From_Tail restarted before any entry was read: start at this realtime (`@seconds`, the
   * first start's) instead of the end, so entries written in between are not skipped.
   */
  readonly since?: string;
}

export interface JournalctlQuery {
  readonly path: string | undefined;
  /** `FIELD=value` matches (Systemd_Filter). */
  readonly matches: readonly string[];
  /** Systemd_Filter_Type: `and` or `or`. */
  readonly filterType: 'and' | 'or';
}

/**
 * Arguments for journalctl. Or puts `+` between the matches (sd_journal_add_disjunction). And
 * passes them side by side: journalctl ANDs different fields, but ORs two matches on the same
 * field, where Fluent Bit's sd_journal_add_conjunction ANDs them; `andRecheck` lists the matches
 * the caller must check on each entry for that case.
 */
export function journalctlArgs(q: JournalctlQuery, at: JournalctlPosition): string[] {
  const args = ['--no-pager', '--output=json', '--all', '--follow', '--merge'];
  if (q.path !== undefined) args.push(`--directory=${q.path}`);
  if (at.afterCursor !== undefined) args.push(`--after-cursor=${at.afterCursor}`, '--no-tail');
  else if (at.fromTail && at.since !== undefined) args.push(`--since=@${at.since}`);
  else if (at.fromTail) args.push('--lines=0');
  else args.push('--no-tail');
  if (q.matches.length > 0) {
    args.push('--');
    q.matches.forEach((m, i) => {
      if (i > 0 && q.filterType === 'or') args.push('+');
      args.push(m);
    });
  }
  return args;
}

/** With And, the matches journalctl would OR (several on one field): each entry must carry all of them. */
export function andRecheck(q: JournalctlQuery): (readonly [string, string])[] {
  if (q.filterType !== 'and') return [];
  const pairs = q.matches.map((m) => [m.slice(0, m.indexOf('=')), m.slice(m.indexOf('=') + 1)] as const);
  const fields = pairs.map(([f]) => f);
  if (new Set(fields).size === fields.length) return [];
  return pairs.filter(([f]) => fields.indexOf(f) !== fields.lastIndexOf(f));
}
