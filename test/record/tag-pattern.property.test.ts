import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeTailTag, intersects, matchTag } from '../../src/record/tag-pattern.js';

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

  it('intersects is symmetric, true only with a tag matching both, false only when no tag made from the two does', () => {
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        const r = intersects(a, b);
        expect(intersects(b, a)).toBe(r);
        // When they do, a tag matching both is found; when they don't, none of the tags made from
        // the two matches both (a complete search there is slow).
        if (r) {
          const witness = findWitness(a, b);
          expect(witness === undefined ? false : reference(a, witness) && reference(b, witness)).toBe(true);
        } else {
          expect(filledTags(a, b).filter((t) => reference(a, t) && reference(b, t))).toEqual([]);
        }
      }),
      { numRuns: 1000, examples: [['aaa.*b', 'a*aab']] },
    );
  });

  it('tail tag expansion turns the path into dots as Fluent Bit does', () => {
    expect(composeTailTag('kube.*', '/var/log/containers/web-1_prod_app-abc.log')).toBe('kube.var.log.containers.web-1_prod_app-abc.log');
    expect(composeTailTag('*', '/var/log/containers/x.log')).toBe('var.log.containers.x.log');
    expect(composeTailTag('app.*.end', '/a//b/')).toBe('app.a.b.end');
    expect(composeTailTag('plain', '/var/log/x.log')).toBe('plain');
  });
});

/** Tags made by filling the `*`s of each pattern with text from the two patterns. */
function filledTags(a: string, b: string): string[] {
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
  return [...fill(a, letters.length), ...fill(b, letters.length)];
}

/** A tag matching both patterns: one of the filled tags, else by search. */
function findWitness(a: string, b: string): string | undefined {
  const plain = (p: string) => p.replace(/\*/g, '');
  const filled = filledTags(a, b).find((t) => reference(a, t) && reference(b, t));
  if (filled !== undefined) return filled;
  // Else breadth first over the tags that can still be completed to match each pattern (a prefix
  // of a match of p matches some prefix of p), up to the longest a shortest witness can be.
  const viable = (p: string, s: string) => Array.from({ length: p.length + 1 }, (_, k) => p.slice(0, k)).some((q) => reference(q, s));
  let level = [''];
  for (let length = 0; length <= plain(a).length + plain(b).length && level.length > 0; length++) {
    const found = level.find((s) => reference(a, s) && reference(b, s));
    if (found !== undefined) return found;
    level = level.flatMap((s) => ['a', 'b', '.', '-'].map((c) => s + c)).filter((s) => viable(a, s) && viable(b, s));
  }
  return undefined;
}

describe('long patterns', () => {
  // Found by the validate fuzz property: a 300,000-character Tag recursed once per character and
  // overflowed the stack (an internal error of validate).
  it('are compared without recursion, answering "may intersect" past the search bound', () => {
    const long = 'x'.repeat(20_000);
    expect(intersects(`x*${long}`, `*${long}`)).toBe(true);
    const mid = 'ab'.repeat(1500);
    expect(intersects(`*${mid}`, `${mid}*`)).toBe(true);
    expect(intersects(`*${mid}c`, `${mid}*d`)).toBe(false);
  });
});
