import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { versionData } from '../../../src/config/versions/data.js';
import { ReleaseTables } from '../../../src/config/versions/tables.js';
import { describeTarget, releaseOf, resolveTarget } from '../../../src/config/versions/target.js';
import { REPO_ROOT } from '../../support/cli.js';

/** The tables of a release, failing the test when the version is unknown. */
function release(version: string): ReleaseTables {
  const r = releaseOf(version);
  if ('error' in r) throw new Error(r.error);
  return r;
}

/**
 * Facts read in Fluent Bit's source at each tag (`git -C fluent-bit show <tag>:<path>`), checked
 * against the generated tables.
 */
describe('Fluent Bit version tables: facts from the source', () => {
  it('holds the last patch release of each line from 1.9 to 5.1', () => {
    expect(versionData().releases).toEqual(['1.9.10', '2.0.14', '2.1.10', '2.2.3', '3.0.7', '3.1.10', '3.2.10', '4.0.14', '4.1.2', '4.2.8', '5.0.9', '5.1.1']);
    expect(versionData().notes).toEqual([]);
  });

  it("file output: rotate, rotate_max_size (a size, default 100M) appear in 5.1.1, not in 4.2.8 or 5.0.9 (plugins/out_file/file.c)", () => {
    for (const v of ['4.2.8', '5.0.9']) expect(release(v).pluginKeys('output', 'file').find('rotate')).toBeUndefined();
    const keys = release('5.1.1').pluginKeys('output', 'file');
    expect(keys.find('Rotate')).toMatchObject({ type: 'bool', defaultText: 'false', multiple: false });
    expect(keys.find('rotate_max_size')).toMatchObject({ type: 'size', defaultText: '100M' });
    expect(release('4.2.8').describeReleases(keys.releasesOf('rotate'))).toBe('appeared in Fluent Bit 5.1');
  });

  it('opentelemetry output: uri (1.9.10) was replaced by metrics_uri and logs_uri in 2.0.14 (plugins/out_opentelemetry/opentelemetry.c)', () => {
    expect(release('1.9.10').pluginKeys('output', 'opentelemetry').find('uri')).toMatchObject({ type: 'str', defaultText: '/v1/metrics' });
    expect(release('1.9.10').pluginKeys('output', 'opentelemetry').find('logs_uri')).toBeUndefined();
    const v2 = release('2.0.14').pluginKeys('output', 'opentelemetry');
    expect(v2.find('uri')).toBeUndefined();
    expect(v2.find('metrics_uri')).toBeDefined();
    expect(release('4.2.8').describeReleases(v2.releasesOf('uri'))).toBe('was removed in Fluent Bit 2.0 (last in 1.9)');
  });

  it('tail: rotate_wait is a time defaulting to FLB_TAIL_ROTATE_WAIT ("5", tail.h), multiline.parser may repeat', () => {
    const tail = release('4.2.8').pluginKeys('input', 'tail');
    expect(tail.find('rotate_wait')).toEqual({ key: 'rotate_wait', type: 'time', defaultText: '5', multiple: false });
    expect(tail.find('multiline.parser')).toMatchObject({ type: 'clist', multiple: true });
    // STR_PREFIX: parser_ takes parser_1, parser_firstline is a key of its own.
    expect(tail.find('parser_1')).toMatchObject({ key: 'parser_', type: 'str_prefix' });
  });

  it("kafka-rest: topic may not repeat in 4.2.8 (no FLB_CONFIG_MAP_MULT), so Fluent Bit refuses it set twice", () => {
    expect(release('4.2.8').pluginKeys('output', 'kafka-rest').find('topic')).toMatchObject({ defaultText: 'fluent-bit', multiple: false });
  });

  it('es output: upstream is new in 5.1.1; elasticsearch is an alias of es only from 5.1.1 (src/flb_plugin_alias.c)', () => {
    expect(release('5.0.9').pluginKeys('output', 'es').find('upstream')).toBeUndefined();
    expect(release('5.1.1').pluginKeys('output', 'es').find('upstream')).toBeDefined();
    expect(release('5.1.1').hasPlugin('output', 'elasticsearch')).toBe(true);
    expect(release('5.0.9').hasPlugin('output', 'elasticsearch')).toBe(false);
  });

  it('AWS credential keys come from FLB_AWS_CREDENTIAL_BASE_CONFIG_MAP (expanded): aws_profile in es from 2.1', () => {
    expect(release('1.9.10').pluginKeys('output', 'es').find('aws_auth')).toBeDefined();
    expect(release('2.0.14').pluginKeys('output', 'es').find('aws_profile')).toBeUndefined();
    expect(release('2.1.10').pluginKeys('output', 'es').find('aws_profile')).toBeDefined();
  });

  it('YAML: processors from 2.1 (src/config_format/flb_cf_yaml.c), parsers from 3.2, routes from 4.2', () => {
    expect(release('2.0.14').hasYaml('processors')).toBe(false);
    expect(release('2.1.10').hasYaml('processors')).toBe(true);
    expect(release('3.1.10').hasYaml('parsers')).toBe(false);
    expect(release('3.2.10').hasYaml('parsers')).toBe(true);
    expect(release('4.1.2').hasYaml('routes')).toBe(false);
    expect(release('4.2.8').hasYaml('routes')).toBe(true);
  });

  it('[SERVICE]: flush.adaptive keys in 5.1.1 only; storage.type from 4.0 (service_configs[] in src/flb_config.c)', () => {
    expect(release('5.0.9').section('service').find('Flush.Adaptive')).toBeUndefined();
    expect(release('5.1.1').section('service').find('flush.adaptive')).toMatchObject({ type: 'bool' });
    expect(release('3.2.10').section('service').find('storage.type')).toBeUndefined();
    expect(release('4.0.14').section('service').find('storage.type')).toBeDefined();
  });

  it('common keys: outputs take tls.* and net.* (the upstream table); filters take active and condition', () => {
    const r = release('4.2.8');
    expect(r.commonKeys('output').find('tls.verify')).toBeDefined();
    expect(r.prefixFamily('output', 'net.keepalive')?.table.find('net.keepalive')).toMatchObject({ type: 'bool', defaultText: 'true' });
    expect(r.commonKeys('filter').find('active')).toBeDefined();
    expect(r.commonKeys('filter').find('condition')).toBeDefined();
  });

  it('every key of a release is found by its table, and a key is found exactly in the releases it lists', () => {
    const data = versionData();
    const plugins = (['input', 'filter', 'output'] as const).flatMap((kind) => Object.keys(data.plugins[kind]).map((name) => ({ kind, name })));
    fc.assert(
      fc.property(fc.constantFrom(...plugins), fc.integer({ min: 0, max: data.releases.length - 1 }), ({ kind, name }, index) => {
        const r = new ReleaseTables(data, index);
        const table = r.pluginKeys(kind, name);
        for (const key of Object.keys(data.plugins[kind][name]!.keys)) {
          const listed = Math.floor(table.releasesOf(key) / 2 ** index) % 2 === 1;
          expect(table.find(key) !== undefined).toBe(listed);
        }
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 100) },
    );
  });
});

describe('the generator', () => {
  // Needs a clone of fluent/fluent-bit with the tags (LOGFERRY_FB_SRC=/path/to/fluent-bit) and ~15 s.
  it.skipIf(process.env['LOGFERRY_FB_SRC'] === undefined)('reproduces the committed tables from the Fluent Bit tags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-fb-versions-'));
    try {
      const out = join(dir, 'options.json');
      execFileSync(process.execPath, ['scripts/fluent-bit-versions.mjs', '--repo', process.env['LOGFERRY_FB_SRC']!, '--out', out], { cwd: REPO_ROOT, stdio: 'pipe' });
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'src/config/versions/fluent-bit-options.json'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('targets', () => {
  it('names releases, patch releases and images', () => {
    const aws = resolveTarget('aws-for-fluent-bit-2.32', 'option');
    expect('error' in aws ? aws.error : describeTarget(aws)).toBe('aws-for-fluent-bit-2.32 (Fluent Bit 1.9.10)');
    const patch = resolveTarget('4.2.3', 'option');
    expect('error' in patch ? patch.error : describeTarget(patch)).toBe("Fluent Bit 4.2.3 (checked with 4.2.8's tables, the last 4.2 release)");
    const line = resolveTarget('fluent-bit-3.0', 'option');
    expect('error' in line ? line.error : describeTarget(line)).toBe('Fluent Bit 3.0.7');
    expect(resolveTarget('6.0', 'option')).toEqual({ error: 'logferry has no tables for Fluent Bit 6.0; it knows 1.9, 2.0, 2.1, 2.2, 3.0, 3.1, 3.2, 4.0, 4.1, 4.2, 5.0, 5.1' });
    expect(resolveTarget('latest', 'option')).toMatchObject({ error: expect.stringMatching(/^unknown target 'latest'; the targets are fluent-bit-1.9, /) });
  });
});
