import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { convertConfig } from '../config/format/convert.js';
import { formatText } from '../diagnostics/format-text.js';
import { commandLine, envWithOverrides, EXIT, isFile, usageError, type CommandIo } from './io.js';

export const CONVERT_USAGE = `usage: logferry convert <config> --to yaml|classic [-o FILE] [--env KEY=VALUE]...

Converts a Fluent Bit configuration between the classic (.conf) and YAML formats (the input format
is chosen by extension: .yaml/.yml is YAML). The result is one self-contained file:
  - @INCLUDE / includes are inlined (classic resolves relative includes against the main file's
    directory, YAML against the including file's, so keeping them as includes would change paths);
  - @SET becomes env: and back; \${VAR} references are kept as written;
  - a repeated key becomes a YAML list and a list becomes the key repeated;
  - parsers from every Parsers_File (and YAML parsers:/multiline_parsers:) go, in YAML, into
    parsers: and multiline_parsers: of the output; in classic, where Fluent Bit reads parsers only
    from a Parsers_File, into a second file next to FILE, named <FILE without extension>-parsers.conf
    and referenced by [SERVICE] Parsers_File (so -o is required when there are parsers).
What the target format cannot hold (YAML processors in classic, empty or multi-line values, classic
sections Fluent Bit ignores) is left out and reported on stderr as lossy-conversion warnings.

options:
  --to yaml|classic    target format (required)
  -o, --output FILE    write the result to FILE instead of stdout
  --env KEY=VALUE      set a variable for \${KEY} in Parsers_File paths (repeatable)
exit status: 0 converted (warnings allowed), 1 the configuration could not be read, 2 usage error`;

export async function convertCommand(args: string[], io: CommandIo): Promise<number> {
  const parsed = commandLine('convert', CONVERT_USAGE, io, {
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
      env: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.to !== 'yaml' && values.to !== 'classic') return usage(io, `--to must be yaml or classic${values.to === undefined ? '' : `, not '${values.to}'`}`);
  if (positionals.length !== 1) return usage(io, positionals.length === 0 ? 'no config file given' : 'give one config file');
  const env = envWithOverrides('convert', values.env, io);
  if (typeof env === 'number') return env;
  const file = positionals[0]!;
  if (!isFile(file, io)) {
    io.stderr(`logferry convert: cannot read '${file}': not a file\n`);
    return EXIT.usage;
  }

  const output = values.output === undefined ? undefined : resolve(io.cwd, values.output);
  const parsersName = output ? `${basename(output, extname(output))}-parsers.conf` : 'parsers.conf';
  const result = convertConfig(file, { to: values.to, env, cwd: io.cwd, parsersFile: parsersName });
  if (result.diagnostics.length > 0) io.stderr(formatText(result.diagnostics, result.sources, result.files.length));
  if (!result.ok) return EXIT.problems;
  if (result.parsers !== undefined && !output) {
    io.stderr('logferry convert: this configuration has parsers, which classic Fluent Bit reads from a separate Parsers_File: give -o FILE\n');
    return EXIT.usage;
  }
  if (!output) {
    io.stdout(result.text);
    return EXIT.ok;
  }
  try {
    writeFileSync(output, result.text);
    if (result.parsers !== undefined) writeFileSync(join(dirname(output), parsersName), result.parsers);
  } catch (err) {
    io.stderr(`logferry convert: cannot write '${values.output}': ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}

function usage(io: CommandIo, message: string): number {
  return usageError('convert', CONVERT_USAGE, io, message);
}
