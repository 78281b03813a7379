import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, isMap, isScalar, parseDocument, Scalar } from 'yaml';
import { decodeBlockScalar, decodeFlowScalar, type DecodedScalar, type ScalarStyle } from '../../../src/config/fargate/scalar-text.js';

const STYLES: ScalarStyle[] = ['BLOCK_LITERAL', 'BLOCK_FOLDED', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'PLAIN'];

/** A config-like text: lines of words, spaces, quotes, escapes and non-ASCII, with empty lines. */
const line = fc.array(fc.constantFrom('[OUTPUT]', 'Name', 'Match', '*', ' ', '    ', '\t', '"', "'", '\\', '#', '${X}', 'é', '日本', '😀', 'a:b', '-'), { maxLength: 8 }).map((p) => p.join(''));
const text = fc.tuple(fc.array(line, { minLength: 1, maxLength: 8 }), fc.boolean()).map(([lines, nl]) => lines.join('\n') + (nl ? '\n' : ''));

function decode(src: string, node: Scalar, parentIndent: number): DecodedScalar {
  const [start, end] = node.range!;
  switch (node.type) {
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      return decodeBlockScalar(src, start, parentIndent);
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return decodeFlowScalar(src, start + 1, end - 1, node.type);
    default:
      return decodeFlowScalar(src, start, end, 'PLAIN');
  }
}

/** The value node of `data.k` in a YAML text. */
function valueNode(src: string): Scalar | undefined {
  const doc = parseDocument(src);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const data = doc.contents.get('data', true);
  if (!isMap(data)) return undefined;
  const node = data.get('k', true);
  return isScalar(node) ? node : undefined;
}

describe('YAML scalar decoding with positions', () => {
  it('decodes every style the yaml package writes to the package\'s own value, with sources for each character', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...STYLES), fc.boolean(), (value, style, crlf) => {
        const doc = new Document({ kind: 'ConfigMap', data: { k: value } });
        const node = (doc.contents as unknown as { get(k: string, keep: true): { get(k: string, keep: true): Scalar } }).get('data', true).get('k', true);
        node.type = style;
        let src = doc.toString({ lineWidth: 0 });
        if (crlf) src = src.replace(/\n/g, '\r\n');
        const parsed = valueNode(src);
        if (!parsed) return; // a style the writer could not honour in a way the reader accepts
        const decoded = decode(src, parsed, 2);
        expect(decoded.text).toBe(parsed.value);
        expect(decoded.starts).toHaveLength(decoded.text.length);
        for (let i = 0; i < decoded.text.length; i++) {
          const ch = decoded.text[i]!;
          const raw = src.slice(decoded.starts[i], decoded.ends[i]);
          const explained = raw === ch || raw.startsWith('\\') || raw === "''" || /^\r?\n$/.test(raw) || (ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff);
          expect(explained, `character ${i} ${JSON.stringify(ch)} from ${JSON.stringify(raw)}`).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('maps a literal block scalar line by line, with indentation indicator and chomping', () => {
    const src = 'data:\n  k: |2-\n      [OUTPUT]\n\n          Name x\n\n';
    const node = valueNode(src)!;
    const d = decode(src, node, 2);
    expect(d.text).toBe('  [OUTPUT]\n\n      Name x');
    expect(src.slice(d.starts[2], d.ends[9])).toBe('[OUTPUT]');
  });

  it('folds lines of a folded scalar, but keeps the breaks around more-indented lines', () => {
    const src = 'data:\n  k: >\n    a\n    b\n\n      c\n    d\n';
    const d = decode(src, valueNode(src)!, 2);
    expect(d.text).toBe('a b\n\n  c\nd\n');
    expect(src.slice(d.starts[1]!, d.ends[1])).toBe('\n'); // the folded break became a space
  });

  it('resolves escapes and escaped line breaks of double-quoted scalars', () => {
    const src = 'data:\n  k: "a\\tb\\u00e9\\\n    c\\x41 d\n\n    e"\n';
    const d = decode(src, valueNode(src)!, 2);
    expect(d.text).toBe('a\tbécA d\ne');
    expect(src.slice(d.starts[1], d.ends[1])).toBe('\\t');
    expect(src.slice(d.starts[3], d.ends[3])).toBe('\\u00e9');
  });
});
