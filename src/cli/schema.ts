import { releaseSchema } from '../config/versions/schema.js';
import { resolveTarget } from '../config/versions/target.js';
import { configSchema } from '../docs/json-schema.js';
import { commandLine, EXIT, usageError, type CommandIo } from './io.js';

export const SCHEMA_USAGE = `usage: logferry schema [--fluent-bit-version X.Y[.Z]]

Prints a JSON Schema (draft-07) of Fluent Bit's YAML configuration format, generated from
logferry's option tables, for editors: save it and point the YAML language server at it, e.g.
with a first line '# yaml-language-server: $schema=fluent-bit.schema.json'.

  --fluent-bit-version X.Y   the schema of one Fluent Bit release (1.9 to 5.1; a target name such as
                             fluent-bit-4.2 is accepted too): its plugins (all of them, also those
                             logferry does not run), their keys, and the YAML sections it reads`;

export function schemaCommand(args: string[], io: CommandIo): number {
  const parsed = commandLine('schema', SCHEMA_USAGE, io, {
    args,
    allowPositionals: true,
    options: { 'fluent-bit-version': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length > 0) return usageError('schema', SCHEMA_USAGE, io, `unexpected argument '${parsed.positionals[0]}'`);
  const version = parsed.values['fluent-bit-version'];
  if (version === undefined) {
    io.stdout(`${JSON.stringify(configSchema(), null, 2)}\n`);
    return EXIT.ok;
  }
  const target = resolveTarget(version, 'option');
  if ('error' in target) return usageError('schema', SCHEMA_USAGE, io, `--fluent-bit-version: ${target.error}`);
  io.stdout(`${JSON.stringify(releaseSchema(target.tables), null, 2)}\n`);
  return EXIT.ok;
}
