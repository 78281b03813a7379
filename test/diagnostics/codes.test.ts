import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { didYouMean, editDistance, matchCase } from '../../src/diagnostics/did-you-mean.js';
import { REPO_ROOT } from '../support/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'generated' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('diagnostic code registry', () => {
  const code = [...sources(join(REPO_ROOT, 'src')), join(REPO_ROOT, 'grammar', 'fluentbit.peggy')]
    .filter((p) => !p.endsWith(join('diagnostics', 'codes.ts')))
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n');

  it('documents every code in one line and uses kebab-case', () => {
    for (const [name, info] of Object.entries(DIAGNOSTIC_CODES)) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(info.doc.length).toBeGreaterThan(10);
      expect(info.doc).not.toContain('\n');
    }
  });

  it('has no unused code: each one is reported somewhere in src/ or the grammar', () => {
    const unused = Object.keys(DIAGNOSTIC_CODES).filter((c) => !code.includes(`'${c}'`));
    expect(unused).toEqual([]);
  });

  it('lists every code in the README', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !readme.includes(`\`${c}\``))).toEqual([]);
  });
});

describe('did you mean', () => {
  it('counts a transposition as one edit, case-insensitively', () => {
    expect(editDistance('tial', 'tail')).toBe(1);
    expect(editDistance('MEM_BUF_LIMT', 'mem_buf_limit')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only plausible typos', () => {
    expect(didYouMean('Refresh_Intrval', ['refresh_interval', 'rotate_wait'])).toBe('refresh_interval');
    expect(didYouMean('xyz', ['refresh_interval', 'rotate_wait'])).toBeUndefined();
  });

  it('writes the suggestion in the style of the key the user wrote', () => {
    expect(matchCase('Mem_Buf_Limt', 'mem_buf_limit')).toBe('Mem_Buf_Limit');
    expect(matchCase('mem_buf_limt', 'mem_buf_limit')).toBe('mem_buf_limit');
    expect(matchCase('MEM_BUF_LIMT', 'mem_buf_limit')).toBe('MEM_BUF_LIMIT');
    expect(matchCase('Db.Sinc', 'db.sync')).toBe('Db.Sync');
  });
});
