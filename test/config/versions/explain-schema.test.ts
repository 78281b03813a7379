import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

interface Condition {
  if: { allOf: [unknown, { patternProperties: Record<string, { pattern: string }> }] };
  then: { properties: Record<string, unknown>; propertyNames?: { anyOf: [{ $ref: string }, { pattern: string }] } };
}
interface Schema {
  properties: Record<string, unknown>;
  definitions: Record<string, { allOf?: Condition[]; pattern?: string; not?: unknown }>;
}

/**
 * The schema of a release, as `schema --fluent-bit-version` prints it. Compiling it with a JSON
 * Schema validator takes many seconds, so the tests read the parts that decide: a plugin's
 * condition (its keys, and the pattern of the key names it allows) and the top-level sections.
 */
async function schemaFor(version: string): Promise<Schema> {
  const run = await runCli(['schema', '--fluent-bit-version', version]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Schema;
}

function plugin(schema: Schema, kind: string, name: string): Condition['then'] {
  const condition = schema.definitions[`${kind}Plugins`]!.allOf!.find((c) => Object.values(c.if.allOf[1].patternProperties)[0]!.pattern === `^(?:${[...name].map((ch) => `[${ch}${ch.toUpperCase()}]`).join('')})$`);
  expect(condition, `${kind} ${name}`).toBeDefined();
  return condition!.then;
}

/** Whether the schema lets a plugin of `kind` named `name` take the key as written. */
function allows(schema: Schema, kind: string, name: string, key: string): boolean {
  const names = plugin(schema, kind, name).propertyNames;
  if (!names) return true;
  const common = schema.definitions[names.anyOf[0].$ref.replace('#/definitions/', '')]!.pattern!;
  return new RegExp(common).test(key) || new RegExp(names.anyOf[1].pattern).test(key);
}

describe('schema --fluent-bit-version', () => {
  it("takes a release's keys: rotate is valid for 5.1 and not for 4.2; a typo is refused for a plugin logferry does not run", async () => {
    const [v42, v51] = [await schemaFor('4.2'), await schemaFor('5.1')];
    expect(allows(v51, 'output', 'file', 'rotate')).toBe(true);
    expect(plugin(v51, 'output', 'file').properties).toHaveProperty('rotate_max_size');
    expect(allows(v42, 'output', 'file', 'rotate')).toBe(false);
    expect(plugin(v42, 'output', 'file').properties).not.toHaveProperty('rotate');
    for (const key of ['Mkdir', 'mkdir', 'tls.verify', 'Match', 'name']) expect(allows(v42, 'output', 'file', key), key).toBe(true);
    expect(allows(v42, 'input', 'forward', 'Buffer_Chunk_Size')).toBe(true);
    expect(allows(v42, 'input', 'forward', 'bufferChunkSize')).toBe(true);
    expect(allows(v42, 'input', 'forward', 'buffer_chunk_sise')).toBe(false);
  });

  it('takes the YAML sections the release reads: parsers and processors are refused by 1.9, accepted by 4.2', async () => {
    const [v19, v42] = [await schemaFor('1.9.10'), await schemaFor('fluent-bit-4.2')];
    expect(Object.keys(v42.properties)).toEqual(expect.arrayContaining(['parsers', 'multiline_parsers', 'pipeline']));
    expect(Object.keys(v19.properties)).not.toContain('parsers');
    expect(v19.definitions['processor']).toMatchObject({ not: {} });
    expect(v42.definitions['processor']).not.toHaveProperty('not');
  });

  it('refuses an unknown release', async () => {
    expect(await runCli(['schema', '--fluent-bit-version', '0.9'])).toMatchObject({ code: 2, stdout: '' });
  });
});

describe('explain --fluent-bit-version', () => {
  it("lists a release's keys of a plugin logferry does not run, and says when a plugin is not in the release", async () => {
    const kafka = await runCli(['explain', 'kafka-rest', '--fluent-bit-version', '4.2']);
    expect(kafka.code).toBe(0);
    expect(kafka.stdout).toMatch(/^output plugin 'kafka-rest' in Fluent Bit 4\.2\.8\n/);
    expect(kafka.stdout).toMatch(/\n {2}topic +str +fluent-bit\n/);
    const file = await runCli(['explain', 'file', '--fluent-bit-version', '4.2']);
    expect(file.stdout).not.toContain('rotate');
    expect((await runCli(['explain', 'file', '--fluent-bit-version', '5.1'])).stdout).toMatch(/\n {2}rotate_max_size +size +100M\n/);
    expect(await runCli(['explain', 'gcs', '--fluent-bit-version', '4.2'])).toMatchObject({ code: 2, stderr: "logferry explain: output plugin 'gcs' appeared in Fluent Bit 5.1; not in Fluent Bit 4.2.8\n" });
    expect((await runCli(['explain', 'stdout', '--fluent-bit-version', '4.2'])).stderr).toContain('add --kind filter or --kind output');
    expect((await runCli(['explain', 'stdout', '--kind', 'filter', '--fluent-bit-version', '4.2'])).stdout).toMatch(/^filter plugin 'stdout'/);
  });
});
