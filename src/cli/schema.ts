import { configSchema } from '../docs/json-schema.js';
import { EXIT, usageError, type CommandIo } from './io.js';

export const SCHEMA_USAGE = `usage: logferry schema

Prints a JSON Schema (draft-07) of Fluent Bit's YAML configuration format, generated from
logferry's option tables, for editors: save it and point the YAML language server at it, e.g.
with a first line '# yaml-language-server: $schema=fluent-bit.schema.json'.`;

export function schemaCommand(args: string[], io: CommandIo): number {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    io.stdout(`${SCHEMA_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.length > 0) {
    return usageError('schema', SCHEMA_USAGE, io, `unexpected argument '${args[0]}'`);
  }
  io.stdout(`${JSON.stringify(configSchema(), null, 2)}\n`);
  return EXIT.ok;
}
