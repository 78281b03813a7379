/**
 * Golden pipeline cases recorded from Fluent Bit 4.2.8 (scripts/record-fluent-bit-pipelines.mjs):
 * fixtures/fluent-bit-4.2.8/pipelines/<case>/ holds fluent-bit.yaml (tail reading ${GOLDEN_DIR}/input.log
 * to the end, file outputs under ${GOLDEN_OUT}), input.log, and expected/: the files Fluent Bit
 * wrote. logferry runs the same configuration and must write the same files, byte for byte: the
 * same records, key order and times (the out_file format holds the time to the nanosecond).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { Pipeline } from '../../src/engine/pipeline.js';
import { REPO_ROOT } from '../support/cli.js';

const ROOT = join(REPO_ROOT, 'fixtures', 'fluent-bit-4.2.8', 'pipelines');
const cases = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'fluent-bit.yaml')))
  .sort();

describe('pipelines recorded from Fluent Bit 4.2.8', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const out = mkdtempSync(join(tmpdir(), `logferry-fb-${name}-`));
      try {
        const result = validateConfig(join(dir, 'fluent-bit.yaml'), { env: { HOSTNAME: 'golden-host', GOLDEN_DIR: dir, GOLDEN_OUT: out } });
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        let finished!: () => void;
        const done = new Promise<void>((resolve) => (finished = resolve));
        const pipeline = new Pipeline(result.plan, { onDone: () => finished(), logSink: () => {} });
        await pipeline.start();
        await done;
        await pipeline.stop();
        const expected = readdirSync(join(dir, 'expected')).sort();
        expect(readdirSync(out).sort()).toEqual(expected);
        for (const file of expected) {
          expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(dir, 'expected', file), 'utf8'));
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
});
