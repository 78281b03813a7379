/**
 * The text decoders of `Decode_Field[_As]` and logfmt values (`src/flb_unescape.c`, 4.2.8),
 * working on JavaScript strings (UTF-8 in Fluent Bit; code points here).
 */

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** `escaped` (`flb_unescape_string`): \n \a \b \t \v \f \r \\; any other escaped character stands for itself. */
export function unescapeEscaped(text: string): string {
  if (text.indexOf('\\') < 0) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= text.length) break; // a trailing backslash is dropped
    const n = text[i + 1]!;
    switch (n) {
      case 'n':
        out += '\n';
        i++;
        break;
      case 'a':
        out += '\x07';
        i++;
        break;
      case 'b':
        out += '\b';
        i++;
        break;
      case 't':
        out += '\t';
        i++;
        break;
      case 'v':
        out += '\v';
        i++;
        break;
      case 'f':
        out += '\f';
        i++;
        break;
      case 'r':
        out += '\r';
        i++;
        break;
      case '\\':
        out += '\\';
        i++;
        break;
      default:
        // the backslash is dropped; the character is copied on the next turn
        break;
    }
  }
  return out;
}

function fromCodePoint(cp: number): string {
  return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
}

/**
 * `escaped_utf8` (`flb_unescape_string_utf8`): JSON-style escapes plus \v \a, octal \NNN, \xHH,
 * \uHHHH (with surrogate pairs; broken pairs give U+FFFD) and \UHHHHHHHH. Stops at a NUL character.
 */
export function unescapeUtf8(text: string): string {
  if (text.indexOf('\\') < 0 && text.indexOf('\0') < 0) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0) break;
    if (c !== 92 || i + 1 >= n) {
      out += text[i];
      i++;
      continue;
    }
    const e = text[i + 1]!;
    i += 2;
    switch (e) {
      case '"':
      case "'":
      case '\\':
      case '/':
        out += e;
        continue;
      case 'n':
        out += '\n';
        continue;
      case 'b':
        out += '\b';
        continue;
      case 't':
        out += '\t';
        continue;
      case 'f':
        out += '\f';
        continue;
      case 'r':
        out += '\r';
        continue;
      case 'v':
        out += '\v';
        continue;
      case 'a':
        out += '\x07';
        continue;
      default:
        break;
    }
    const ec = e.charCodeAt(0);
    if (isOctal(ec)) {
      let j = i - 1;
      let digits = '';
      do digits += text[j++];
      while (j < n && isOctal(text.charCodeAt(j)) && digits.length < 3);
      out += fromCodePoint(parseInt(digits, 8));
      i = j;
      continue;
    }
    if (e === 'x' || e === 'U') {
      const max = e === 'x' ? 2 : 8;
      let j = i;
      while (j < n && isHex(text.charCodeAt(j)) && j - i < max) j++;
      out += j > i ? fromCodePoint(parseInt(text.slice(i, j), 16)) : e;
      i = j;
      continue;
    }
    if (e === 'u') {
      let j = i;
      while (j < n && isHex(text.charCodeAt(j)) && j - i < 4) j++;
      const count = j - i;
      if (count > 0 && count < 4) {
        out += '\ufffd';
        i = j;
        continue;
      }
      const cp = count === 0 ? 0 : parseInt(text.slice(i, j), 16);
      i = j;
      if (cp >= 0xdc00 && cp <= 0xdfff) {
        out += '\ufffd';
        continue;
      }
      if (cp >= 0xd800 && cp <= 0xdbff) {
        if (i + 2 < n && text[i] === '\\' && text[i + 1] === 'u') {
          let k = i + 2;
          while (k < n && isHex(text.charCodeAt(k)) && k - (i + 2) < 4) k++;
          const lowCount = k - (i + 2);
          const low = lowCount === 0 ? 0 : parseInt(text.slice(i + 2, k), 16);
          i = k;
          if (lowCount > 0 && lowCount < 4) out += '\ufffd';
          else if (low >= 0xdc00 && low <= 0xdfff) out += fromCodePoint(0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00));
          else out += '\ufffd';
        } else {
          out += '\ufffd';
        }
        continue;
      }
      out += String.fromCharCode(cp);
      continue;
    }
    out += e;
  }
  return out;
}

/** `mysql_quoted`: a value in single or double quotes is unquoted with MySQL's escapes; others stay. */
export function unquoteMysql(text: string): string {
  if (text.length < 2) return text;
  const q = text[0];
  if ((q !== "'" && q !== '"') || text[text.length - 1] !== q) return text;
  const inner = text.slice(1, -1);
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '\\' || i + 1 >= inner.length) {
      out += c;
      continue;
    }
    const n = inner[++i]!;
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
      case "'":
      case '"':
        out += n;
        break;
      case '0':
        out += '\0';
        break;
      case 'Z':
        out += '\x1a';
        break;
      default:
        out += `\\${n}`;
        break;
    }
  }
  return out;
}
