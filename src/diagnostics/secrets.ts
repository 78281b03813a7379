/**
 * Keeps secrets out of diagnostics. Wherever a source line or a value is echoed (the text
 * excerpt, messages and hints in text, JSON and SARIF), the value after a secret-bearing key is
 * replaced by `****`: passwords, tokens, secret and API keys, and `Authorization`-like headers.
 *
 * Keys are recognised by name, not from the plugins' option tables, because the keys that most
 * need masking are the ones no table knows: a misspelt `HTTP_Paswd`, or an option of a plugin
 * logferry does not run (`apikey`, `license_key`, `shared_key`...).
 */
import type { Diagnostic } from './diagnostic.js';
import { editDistance } from './did-you-mean.js';

export const MASK = '****';

/** Words that make a key secret, matched with one typo allowed (`paswd`, `tokn`). */
const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'authorization', 'credential', 'credentials', 'apikey', 'cookie'];
/** Words that make `<word>_key` secret (`api_key`, `shared_key`; not `time_key` or `log_key`). */
const KEY_QUALIFIERS = new Set(['api', 'access', 'secret', 'shared', 'license', 'private', 'account', 'client', 'signing', 'ingest', 'insert', 'write', 'master', 'encryption', 'subscription', 'sas', 'app', 'auth', 'session']);
/** A last word that makes the value a reference, not the secret (`kube_token_file`, `tls.key_file`). */
const REFERENCE_WORDS = new Set(['file', 'path', 'dir', 'command', 'cmd', 'ttl', 'endpoint', 'url', 'uri', 'interval', 'type']);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * One of SECRET_WORDS, within it, or one typo away: a letter left out or added (`paswd`, `tokn`),
 * or, for words of 6 letters or more, changed (`passwrd`). Not `taken` for `token`.
 */
function secretWord(word: string): boolean {
  if (word === 'pwd' || word === 'pass') return true;
  return (
    word.length >= 4 &&
    SECRET_WORDS.some((s) => word.includes(s) || (Math.abs(word.length - s.length) <= 1 && editDistance(word, s) === 1 && (word.length !== s.length || s.length >= 6)))
  );
}

/** True when a key (or header name) as written names a secret: its value must not be echoed. */
export function isSecretKey(key: string): boolean {
  const ws = words(key);
  if (ws.length === 0 || REFERENCE_WORDS.has(ws[ws.length - 1]!)) return false;
  return ws.some((w, i) => secretWord(w) || ((w === 'key' || w === 'keys') && i > 0 && KEY_QUALIFIERS.has(ws[i - 1]!)));
}

/** A value that cannot be a secret: a switch. */
const SWITCH = /^(on|off|true|false|yes|no)$/i;

/** A key, then `:`, `=` or blanks, then the start of a value. */
const KEY_VALUE = /([A-Za-z][A-Za-z0-9_.-]*)([ \t]*[:=][ \t]*|[ \t]+)(?=[^ \t])/g;

/**
 * One line of text with the value after every secret-bearing key masked. In a source line the value
 * runs to the end of the line (or its closing quote); `stopAt` ends it earlier, e.g. at the `'` that
 * closes a value quoted in a message.
 */
export function maskSecrets(text: string, stopAt = ''): string {
  if (!/[A-Za-z]/.test(text)) return text;
  let out = '';
  let from = 0;
  KEY_VALUE.lastIndex = 0;
  for (let m = KEY_VALUE.exec(text); m; m = KEY_VALUE.exec(text)) {
    if (!isSecretKey(m[1]!)) {
      KEY_VALUE.lastIndex = m.index + m[1]!.length;
      continue;
    }
    const start = m.index + m[0].length;
    const end = valueEnd(text, start, stopAt);
    if (SWITCH.test(text.slice(start, end).trim())) {
      KEY_VALUE.lastIndex = end;
      continue;
    }
    out += text.slice(from, start) + MASK;
    from = end;
    KEY_VALUE.lastIndex = end;
  }
  return from === 0 ? text : out + text.slice(from);
}

function valueEnd(text: string, start: number, stopAt: string): number {
  const q = text[start];
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, start + 1);
    if (close > 0) return close + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  for (const c of stopAt) {
    const at = text.indexOf(c, start);
    if (at >= 0 && at < end) end = at;
  }
  return end;
}

/**
 * `message` with `expanded` masked when `raw` takes it from a secret-named variable
 * (`Port ${HTTP_PASSWORD}` must not print the password when it is not a number).
 */
export function maskExpanded(message: string, raw: string, expanded: string): string {
  const secret = [...raw.matchAll(/\$\{([^}]*)\}/g)].some((m) => isSecretKey(m[1]!));
  return secret && expanded.length > 0 ? message.split(expanded).join(MASK) : message;
}

/** A diagnostic whose message and hint echo no secret value (messages quote values with `'`). */
export function maskDiagnostic(d: Diagnostic): Diagnostic {
  const message = maskSecrets(d.message, "'");
  const hint = d.hint === undefined ? undefined : maskSecrets(d.hint, "'");
  if (message === d.message && hint === d.hint) return d;
  return hint === undefined ? { ...d, message } : { ...d, message, hint };
}
