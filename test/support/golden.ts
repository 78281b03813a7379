import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../../src/diagnostics/codes.js';
import { REPO_ROOT } from './cli.js';

/** The golden cases of a folder: file names with extension `ext`, without it, sorted. */
export function cases(dir: string, ext: string): string[] {
  return readdirSync(join(REPO_ROOT, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

/** The code a case is about: the longest registry code its name starts with. */
export function codeOf(name: string): DiagnosticCode | undefined {
  return (Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[])
    .filter((c) => name === c || name.startsWith(`${c}-`))
    .sort((a, b) => b.length - a.length)[0];
}
