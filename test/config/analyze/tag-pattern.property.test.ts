import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeTailTag, intersects, matchTag } from '../../../src/config/analyze/tag-pattern.js';

/** Reference semantics of Fluent Bit's Match: `*` is any text (dots included), anchored both ends. */
function reference(pattern: string, tag: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(tag);
}

const alphabet = fc.constantFrom('a', 'b', '.', '-');
const literal = fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join(''));
const pattern = fc.array(fc.oneof(alphabet, fc.constant('*')), { maxLength: 8 }).map((cs) => cs.join(''));

describe('Match wildcard semantics', () => {
  it('matchTag agrees with the reference on literal tags', () => {
    fc.assert(
      fc.property(pattern, literal, (p, t) => {
        expect(matchTag(p, t)).toBe(reference(p, t));
      }),
      { numRuns: 3000 },
    );
  });

  it('intersects is symmetric and true exactly when a witness tag exists', () => {
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        const r = intersects(a, b);
        expect(intersects(b, a)).toBe(r);
        // Any witness is at most len(a)+len(b) long over the alphabet; check with a bounded search.
        if (r) {
          const witness = findWitness(a, b);
          expect(witness === undefined ? false : reference(a, witness) && reference(b, witness)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('tail tag expansion turns the path into dots as Fluent Bit does', () => {
    expect(composeTailTag('kube.*', '/var/log/containers/web-1_prod_app-abc.log')).toBe('kube.var.log.containers.web-1_prod_app-abc.log');
    expect(composeTailTag('*', '/var/log/containers/x.log')).toBe('var.log.containers.x.log');
    expect(composeTailTag('app.*.end', '/a//b/')).toBe('app.a.b.end');
    expect(composeTailTag('plain', '/var/log/x.log')).toBe('plain');
  });
});

/** Builds a witness by replacing each `*` of the more specific pattern with text from the other. */
function findWitness(a: string, b: string): string | undefined {
  const plain = (p: string) => p.replace(/\*/g, '');
  const letters = ['', 'a', 'b', '.', '-', plain(a), plain(b), ...plain(a).split(''), ...plain(b).split('')];
  const fill = (p: string, k: number): string[] => {
    if (!p.includes('*')) return [p];
    const out: string[] = [];
    const parts = p.split('*');
    const rec = (i: number, acc: string) => {
      if (out.length > 2000) return;
      if (i === parts.length - 1) {
        out.push(acc + parts[i]);
        return;
      }
      for (const l of letters.slice(0, k)) rec(i + 1, acc + parts[i] + l);
    };
    rec(0, '');
    return out;
  };
  for (const candidate of [...fill(a, letters.length), ...fill(b, letters.length)]) {
    if (reference(a, candidate) && reference(b, candidate)) return candidate;
  }
  // Fall back to a brute-force search over short strings.
  const alpha = ['a', 'b', '.', '-'];
  const queue = [''];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (reference(a, s) && reference(b, s)) return s;
    if (s.length < 6) for (const c of alpha) queue.push(s + c);
  }
  return undefined;
}
