import { describe, expect, it } from 'vitest';
import { PLUGINS, UNSUPPORTED_PLUGINS, findPlugin } from '../../src/plugins/registry.js';
import serviceSection from '../../src/config/sections/service.js';
import parserSection from '../../src/config/sections/parser.js';
import multilineParserSection from '../../src/config/sections/multiline-parser.js';
import type { OptionTable } from '../../src/options/spec.js';

const TABLES: [string, OptionTable][] = [
  ...PLUGINS.map((p): [string, OptionTable] => [`${p.kind} ${p.name}`, p.options]),
  ['[SERVICE]', serviceSection.options],
  ['[PARSER]', parserSection.options],
  ['[MULTILINE_PARSER]', multilineParserSection.options],
];

describe('plugin registry compliance', () => {
  it('registers every plugin this project runs, once', () => {
    const names = PLUGINS.map((p) => `${p.kind}:${p.name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(
      [
        'input:tail', 'input:systemd', 'input:dummy', 'input:lib', 'input:cpu', 'input:mem', 'input:forward', 'input:tcp', 'input:http',
        'filter:kubernetes', 'filter:parser', 'filter:grep', 'filter:modify', 'filter:record_modifier', 'filter:nest', 'filter:rewrite_tag', 'filter:throttle', 'filter:multiline', 'filter:lua', 'filter:aws',
        'output:cloudwatch_logs', 'output:kinesis_firehose', 'output:kinesis_streams', 'output:kinesis', 'output:firehose', 'output:cloudwatch', 'output:stdout', 'output:file', 'output:http', 'output:es', 'output:opensearch', 'output:forward', 'output:s3', 'output:null', 'output:lib',
      ].sort(),
    );
  });

  it('knows the Fluent Bit plugins it does not run, by name, and none twice', () => {
    for (const kind of ['input', 'filter', 'output'] as const) {
      for (const name of Object.keys(UNSUPPORTED_PLUGINS[kind])) {
        expect(findPlugin(kind, name), `${kind} ${name} is both implemented and unsupported`).toBeUndefined();
        expect(name).toBe(name.toLowerCase());
      }
    }
    expect(UNSUPPORTED_PLUGINS.input['systemd']).toBeUndefined();
    expect(UNSUPPORTED_PLUGINS.input['kmsg']).toBeDefined();
    for (const name of ['kafka', 'azure_blob']) expect(UNSUPPORTED_PLUGINS.output[name], name).toBeDefined();
  });

  for (const [label, table] of TABLES) {
    describe(label, () => {
      it('has lowercase keys (and aliases) unique case-insensitively, each with a doc line', () => {
        const seen = new Set<string>();
        for (const [key, spec] of Object.entries(table)) {
          for (const k of [key, ...(spec.aliases ?? [])]) {
            expect(k, `${label}: ${k}`).toBe(k.toLowerCase());
            expect(seen.has(k), `${label}: ${k} declared twice`).toBe(false);
            seen.add(k);
          }
          expect(spec.doc.trim().length, `${label}: ${key} has no doc`).toBeGreaterThan(3);
          expect(spec.doc).not.toContain('\n');
        }
      });

      it('parses every default with its own kind to the stored default value', () => {
        for (const [key, spec] of Object.entries(table)) {
          if (spec.defaultText === undefined) continue;
          const parsed = spec.parse(spec.defaultText);
          expect(parsed.ok, `${label}: default of ${key}`).toBe(true);
          if (parsed.ok) expect(parsed.value, `${label}: default of ${key}`).toEqual(spec.defaultValue);
        }
      });

      it('marks required keys without a default and repeatable keys consistently', () => {
        for (const [key, spec] of Object.entries(table)) {
          if (spec.required) expect(spec.defaultText, `${label}: ${key} is required and has a default`).toBeUndefined();
          if (spec.prefix) expect(spec.multiple, `${label}: prefix key ${key}`).toBe(true);
          if (spec.unsupported !== undefined) expect(spec.unsupported.length, `${label}: ${key}`).toBeGreaterThan(5);
        }
      });
    });
  }
});
