/**
 * Fluent Bit's own YAML test configurations (fixtures/fluent-bit-4.2.8/config-format, copied from
 * v4.2.8): validate reports no error on one Fluent Bit starts, and an error on one it refuses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { REPO_ROOT } from '../support/cli.js';

const ROOT = join(REPO_ROOT, 'fixtures', 'fluent-bit-4.2.8', 'config-format');
const cases = JSON.parse(readFileSync(join(ROOT, 'cases.json'), 'utf8')) as { runs: string[]; refuses: Record<string, string> };

const errorsOf = (file: string) =>
  validateConfig(join(ROOT, file), { env: { HOSTNAME: 'corpus-host' } })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}: ${d.code}: ${d.message}`);

describe("Fluent Bit 4.2.8's YAML test configurations", () => {
  for (const file of cases.runs) {
    it(`${file}: Fluent Bit starts it, validate reports no error`, () => {
      expect(errorsOf(file)).toEqual([]);
    });
  }
  for (const [file, why] of Object.entries(cases.refuses)) {
    it(`${file}: Fluent Bit refuses it (${why}), validate reports an error`, () => {
      expect(errorsOf(file).length).toBeGreaterThan(0);
    });
  }
});
