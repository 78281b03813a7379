import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { convertConfig } from '../../../src/config/format/convert.js';
import { planToJson } from '../../../src/config/plan/to-json.js';
import serviceSection from '../../../src/config/sections/service.js';
import { validateConfig } from '../../../src/config/validate.js';
import type { PluginDefinition } from '../../../src/options/define.js';
import type { AnySpec, OptionTable } from '../../../src/options/spec.js';
import { PLUGINS } from '../../../src/plugins/registry.js';

/** Characters that stress YAML quoting (and are plain text in classic values). */
const CHARS = [...'abcxyzABC019 ', ...':#"\'*&!%@`{}[],./-\\|>?=~^$_'];
const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
const text = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 16 })
  .map((cs) => cs.join('').trim())
  .filter((t) => t.length > 0 && !t.includes('${'));
const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));

/** Text a value of this kind could be; the caller keeps only what the option parses. */
function candidates(spec: AnySpec): fc.Arbitrary<string> {
  switch (spec.kind) {
    case 'bool':
      return fc.constantFrom('on', 'off', 'true', 'false', 'yes', 'no', 'On', 'OFF');
    case 'int':
    case 'millis':
      return fc.integer({ min: 0, max: 70000 }).map(String);
    case 'size':
      return fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom('', 'k', 'K', 'KB', 'M', 'MB', 'G')).map(([n, u]) => `${n}${u}`);
    case 'time':
      return fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom('', 's', 'm', 'h', 'd')).map(([n, u]) => `${n}${u}`);
    case 'double':
    case 'seconds':
    case 'interval':
    case 'duration':
      return fc.integer({ min: 1, max: 300 }).map(String);
    case 'enum': {
      const values = spec.values ?? ['x'];
      return fc.constantFrom(...values, ...values.map((v) => v.toUpperCase()));
    }
    case 'modify-condition':
      return fc.constantFrom('Key_exists log', 'Key_does_not_exist tmp', 'Key_value_equals level error', 'No_key_matches ^x');
    case 'list':
      return fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(', '));
    default:
      return fc.oneof(text, word, words);
  }
}

/** A value the option parses, or undefined (the line is left out) when the candidate does not parse. */
const valueFor = (spec: AnySpec) => candidates(spec).map((t) => (spec.parse(t).ok ? t : undefined));

/** A key as a user might write it: Fluent Bit keys are case-insensitive. */
const keyStyle = (key: string) =>
  fc.constantFrom(key, key.toUpperCase(), key.replace(/(^|[_.])([a-z])/g, (_m, s: string, c: string) => s + c.toUpperCase()));

/** Keys whose value names a file Fluent Bit reads, or that the pipeline section header owns. */
const SKIP = new Set(['name', 'parsers_file', 'plugins_file', 'streams_file', 'condition', 'log_file']);

function linesFor(table: OptionTable, required: readonly string[]): fc.Arbitrary<string[]> {
  const optional = Object.keys(table).filter((k) => !SKIP.has(k) && !required.includes(k) && !table[k]!.prefix);
  return fc
    .subarray(optional, { maxLength: 6 })
    .chain((keys) =>
      fc.tuple(
        ...[...required, ...keys].map((k) => {
          const spec = table[k]!;
          const count = spec.multiple ? fc.integer({ min: 1, max: 3 }) : fc.constant(1);
          return fc.tuple(keyStyle(k), count.chain((n) => fc.array(valueFor(spec), { minLength: n, maxLength: n })));
        }),
      ),
    )
    .map((pairs) => pairs.flatMap(([key, values]) => values.flatMap((v) => (v === undefined ? [] : [`    ${key} ${v}`]))));
}

function section(header: string, plugin: PluginDefinition, extra: string[]): fc.Arbitrary<string> {
  const required = Object.keys(plugin.ownOptions).filter((k) => plugin.ownOptions[k]!.required);
  return linesFor(plugin.options, required).map((lines) => [`[${header}]`, `    Name ${plugin.name}`, ...extra, ...lines].join('\n'));
}

const tag = fc.constantFrom('app', 'app.web', 'kube.var.log.x', 'other');
const pick = (kind: PluginDefinition['kind']) => fc.constantFrom(...PLUGINS.filter((p) => p.kind === kind));
const input = fc.tuple(pick('input'), tag).chain(([p, t]) => section('INPUT', p, [`    Tag ${t}`]));
const routed = (header: string, kind: 'filter' | 'output') =>
  fc.tuple(pick(kind), fc.constantFrom('*', 'app*', 'kube.*')).chain(([p, m]) => section(header, p, [`    Match ${m}`]));

const variables = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,5}$/), text), { selector: ([n]) => n, maxLength: 3 });
const service = linesFor(
  Object.fromEntries(Object.entries(serviceSection.options).filter(([k]) => !SKIP.has(k))),
  [],
).map((lines) => ['[SERVICE]', '    Parsers_File parsers.conf', ...lines].join('\n'));

const PARSERS = [
  '[PARSER]\n    Name   json\n    Format json\n',
  '[PARSER]\n    Name   words\n    Format regex\n    Regex  ^(?<first>[a-z]+) (?<rest>.*)$\n    Types  first:string\n',
  '[MULTILINE_PARSER]\n    name ml\n    type regex\n    rule "start_state" "/^\\d+ /" "cont"\n    rule "cont" "/^\\s+ at/" "cont"\n',
];

const config = fc.record({
  variables,
  service,
  inputs: fc.array(input, { minLength: 1, maxLength: 2 }),
  filters: fc.array(routed('FILTER', 'filter'), { maxLength: 3 }),
  outputs: fc.array(routed('OUTPUT', 'output'), { minLength: 1, maxLength: 2 }),
  parsers: fc.subarray(PARSERS),
});

/** The plan without what differs by file (names, positions) and the Parsers_File the conversion inlines. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'at' || k === 'main' || k === 'files' || k === 'parsers_file') continue;
    out[k] = comparable(v);
  }
  return out;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('logferry convert', () => {
  it('classic -> yaml -> plan equals classic -> plan (and back to classic)', () => {
    fc.assert(
      fc.property(config, (c) => {
        const dir = mkdtempSync(join(tmpdir(), 'logferry-convert-'));
        dirs.push(dir);
        const conf = [...c.variables.map(([n, v]) => `@SET ${n}=${v}`), c.service, ...c.inputs, ...c.filters, ...c.outputs].join('\n\n');
        writeFileSync(join(dir, 'main.conf'), `${conf}\n`);
        writeFileSync(join(dir, 'parsers.conf'), c.parsers.join('\n'));
        const env = { HOSTNAME: 'host' };
        const classic = validateConfig(join(dir, 'main.conf'), { env, cwd: dir });

        const toYaml = convertConfig(join(dir, 'main.conf'), { to: 'yaml', env, cwd: dir });
        expect(toYaml.ok).toBe(true);
        expect(toYaml.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        writeFileSync(join(dir, 'main.yaml'), toYaml.text);
        const yaml = validateConfig(join(dir, 'main.yaml'), { env, cwd: dir });
        expect(comparable(planToJson(yaml.plan))).toEqual(comparable(planToJson(classic.plan)));
        const codes = (r: typeof yaml) => r.diagnostics.map((d) => `${d.severity}:${d.code}`).sort();
        expect(codes(yaml)).toEqual(codes(classic));

        const back = convertConfig(join(dir, 'main.yaml'), { to: 'classic', env, cwd: dir, parsersFile: 'back-parsers.conf' });
        writeFileSync(join(dir, 'back.conf'), back.text);
        if (back.parsers !== undefined) writeFileSync(join(dir, 'back-parsers.conf'), back.parsers);
        const again = validateConfig(join(dir, 'back.conf'), { env, cwd: dir });
        expect(comparable(planToJson(again.plan))).toEqual(comparable(planToJson(classic.plan)));
      }),
      { numRuns: 60 },
    );
  });
});
