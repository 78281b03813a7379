import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../../../src/config/validate.js';
import { lookupTopic } from '../../../../src/docs/catalog.js';
import { configSchema } from '../../../../src/docs/json-schema.js';
import { useTempDir } from '../../../support/temp-dir.js';

// ajv is CommonJS with `exports.default` set to the export itself.
const ajv = new AjvModule.default({ allErrors: true, strict: false });
const validate = ajv.compile(configSchema());
const tmp = useTempDir('logferry-es-');

const yaml = (name: string, extra = '') => `pipeline:
  inputs:
    - name: dummy
      tag: app
  outputs:
    - name: ${name}
      match: '*'
      host: search-logs.eu-west-1.es.amazonaws.com
      port: 443
      tls: on
      aws_auth: On
      aws_region: eu-west-1
      suppress_type_name: on
${extra}`;

function check(text: string) {
  const ok = validate(parse(text));
  const file = tmp.write('fluent-bit.yaml', text);
  const result = validateConfig(file, { env: {} });
  return { schema: ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`), diagnostics: result.diagnostics };
}

describe('es / elasticsearch / opensearch in YAML configurations', () => {
  it('are accepted by validate and by the JSON Schema, the alias included', () => {
    for (const name of ['es', 'elasticsearch', 'opensearch']) {
      const r = check(yaml(name));
      expect(r.schema, name).toEqual([]);
      expect(r.diagnostics.filter((d) => d.severity !== 'info'), name).toEqual([]);
    }
  });

  it('reject keys the plugin does not have, in the schema and in validate', () => {
    const r = check(yaml('opensearch', '      cloud_id: x:eA==\n'));
    expect(r.schema.length).toBeGreaterThan(0);
    expect(r.diagnostics.map((d) => d.code)).toContain('unknown-key');
  });

  it('explain finds the es output under its alias (elasticsearch is also an input name)', () => {
    expect(lookupTopic('elasticsearch')).toEqual({ ambiguous: ['input', 'output'] });
    const found = lookupTopic('elasticsearch', 'output');
    expect('found' in found && found.found.type === 'plugin' && found.found.definition.name).toBe('es');
  });
});
