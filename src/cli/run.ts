import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatText } from '../diagnostics/format-text.js';
import { validateConfig, type ValidationResult } from '../config/validate.js';
import { Pipeline } from '../engine/pipeline.js';
import { commandLine, envWithOverrides, EXIT, isFile, type CommandIo } from './io.js';

export const RUN_USAGE = `usage: logferry run -c <config> [--env KEY=VALUE]...
       logferry run -i <input> [-p key=value]... [-t tag] [-F <filter> -m <match> -p ...] -o <output> [-m <match>] [-p ...] [-f seconds]

Runs the agent on a Fluent Bit configuration until SIGTERM/SIGINT (or until an input asks to stop,
e.g. tail Exit_On_Eof). The configuration is validated first: on errors nothing is read and the
exit status is 1.

options:
  -c, --config FILE     configuration file
  --env KEY=VALUE       set a variable for \${KEY} expansion (repeatable)
  -i, --input NAME      add an input plugin (Fluent Bit's command-line form)
  -F, --filter NAME     add a filter plugin
  -o, --output NAME     add an output plugin
  -p, --prop KEY=VALUE  set a property of the last plugin added
  -t, --tag TAG         set the Tag of the last input
  -m, --match PATTERN   set the Match of the last filter or output
  -f, --flush SECONDS   [SERVICE] Flush
  -R, --parser FILE     [SERVICE] Parsers_File (repeatable)`;


/** Fluent Bit's command-line plugin flags, in order, turned into a classic configuration text. */
export function flagsToConfig(argv: readonly string[]): { text: string; rest: string[] } | { error: string } {
  const service: string[] = [];
  const sections: string[][] = [];
  const rest: string[] = [];
  const take = (i: number, flag: string): string | { error: string } => argv[i + 1] ?? { error: `${flag} needs a value` };
  const lastSection = () => sections[sections.length - 1];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const header = a === '-i' || a === '--input' ? 'INPUT' : a === '-F' || a === '--filter' ? 'FILTER' : a === '-o' || a === '--output' ? 'OUTPUT' : undefined;
    if (header) {
      const v = take(i++, a);
      if (typeof v !== 'string') return v;
      sections.push([`[${header}]`, `    Name ${v}`]);
    } else if (a === '-p' || a === '--prop' || a === '-t' || a === '--tag' || a === '-m' || a === '--match') {
      const v = take(i++, a);
      if (typeof v !== 'string') return v;
      const s = lastSection();
      if (!s) return { error: `${a} must follow -i, -F or -o` };
      if (a === '-p' || a === '--prop') {
        const eq = v.indexOf('=');
        if (eq <= 0) return { error: `${a} needs key=value, got '${v}'` };
        s.push(`    ${v.slice(0, eq)} ${v.slice(eq + 1)}`);
      } else {
        s.push(`    ${a === '-t' || a === '--tag' ? 'Tag' : 'Match'} ${v}`);
      }
    } else if (a === '-f' || a === '--flush' || a === '-R' || a === '--parser') {
      const v = take(i++, a);
      if (typeof v !== 'string') return v;
      service.push(`    ${a === '-f' || a === '--flush' ? 'Flush' : 'Parsers_File'} ${v}`);
    } else {
      rest.push(a);
    }
  }
  const parts = service.length > 0 ? [['[SERVICE]', ...service], ...sections] : sections;
  return { text: parts.map((p) => p.join('\n')).join('\n\n') + '\n', rest };
}

export async function runCommand(argv: string[], io: CommandIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const converted = flagsToConfig(argv);
  if ('error' in converted) {
    io.stderr(`logferry run: ${converted.error}\n${RUN_USAGE}\n`);
    return EXIT.usage;
  }
  const parsed = commandLine('run', RUN_USAGE, io, () =>
    parseArgs({
      args: converted.rest,
      options: {
        config: { type: 'string', short: 'c' },
        env: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const env = envWithOverrides('run', values.env, io);
  if (typeof env === 'number') return env;
  const fromFlags = converted.text.trim().length > 0;
  if (values.config && fromFlags) {
    io.stderr('logferry run: use either -c <config> or plugin flags (-i/-F/-o), not both\n');
    return EXIT.usage;
  }
  let result: ValidationResult;
  if (values.config) {
    if (!isFile(values.config, io)) {
      io.stderr(`logferry run: cannot read '${values.config}': not a file\n`);
      return EXIT.usage;
    }
    result = validateConfig(values.config, { env, cwd: io.cwd });
  } else if (fromFlags) {
    result = validateConfig(join(io.cwd, '<command line>'), { env, cwd: io.cwd, text: converted.text });
  } else {
    io.stderr(`logferry run: no configuration: give -c <config> or -i/-o flags\n${RUN_USAGE}\n`);
    return EXIT.usage;
  }
  if (result.diagnostics.length > 0) io.stderr(formatText(result.diagnostics, result.sources, result.files.length));
  if (!result.ok) return EXIT.problems;

  let requestStop: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  const pipeline = new Pipeline(result.plan, { logSink: (line) => io.stderr(line), onDone: () => requestStop() });
  const onSignal = () => requestStop();
  signals.once('SIGTERM', onSignal);
  signals.once('SIGINT', onSignal);
  try {
    try {
      await pipeline.start();
    } catch (err) {
      io.stderr(`logferry run: ${(err as Error).message}\n`);
      await pipeline.stop(0);
      return EXIT.problems;
    }
    await finished;
    await pipeline.stop();
    return EXIT.ok;
  } finally {
    signals.removeListener('SIGTERM', onSignal);
    signals.removeListener('SIGINT', onSignal);
  }
}
