/**
 * Key translation of Fluent Bit's YAML reader (`flb_cf_key_translate`, src/config_format/
 * flb_config_format.c): a key that starts with a lowercase ASCII letter and has no `_` is taken as
 * camelCase and converted to snake_case (`memBufLimit` -> `mem_buf_limit`); a key with a `_` that
 * starts lowercase is lowercased; any other key is kept as written (plugins still match it
 * case-insensitively). Surrounding whitespace is trimmed.
 */
export function translateKey(key: string): string {
  const k = key.trim();
  if (!/^[a-z]/.test(k)) return k;
  if (k.includes('_')) return k.toLowerCase();
  return k.replace(/(?!^)[A-Z]/g, (c) => `_${c}`).toLowerCase();
}

/**
 * A YAML key that Fluent Bit translates back to `key` (compared case-insensitively): `key` itself
 * when translation leaves it alone (`Mem_Buf_Limit`, `mem_buf_limit`, `multiline.parser`), else its
 * lowercase form (`dB.locking` would become `d_b.locking`, so it is written `db.locking`).
 */
export function yamlKeyFor(key: string): string {
  return translateKey(key).toLowerCase() === key.toLowerCase() ? key : key.toLowerCase();
}

/** snake_case -> camelCase, for suggestions to a user who writes camelCase keys. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
