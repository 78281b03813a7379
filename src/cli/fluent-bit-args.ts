/**
 * Fluent Bit's command line (`fluent-bit -c ... -R ... -D`), read as its getopt_long does
 * (src/fluent-bit.c of 4.2.8: short options bundled (`-vv`, `-Hc file`), a value attached or next
 * (`-cfile`, `-c file`, `--config=file`, `--config file`), a long option abbreviated to any unique
 * prefix, `--` ending the options). FLAGS is the one list: parsing, `logferry --help` and the
 * did-you-mean suggestions all read it.
 */
import { didYouMean } from '../diagnostics/did-you-mean.js';

/** A plugin section given on the command line (`-i tail -p path=... -t app`). */
export interface FlagSection {
  readonly header: 'INPUT' | 'FILTER' | 'OUTPUT' | 'CUSTOM';
  readonly entries: [string, string][];
}

/** What a Fluent Bit command line asks for. */
export interface FluentBitArgs {
  config?: string;
  workdir?: string;
  dryRun: boolean;
  version: boolean;
  help: boolean;
  /** `-v` counted; -1 for `-q`. */
  verbosity: number;
  /** `[SERVICE]` properties, in command-line order. */
  readonly service: [string, string][];
  readonly sections: FlagSection[];
  /** logferry's `--env KEY=VALUE` pairs. */
  readonly env: string[];
  /** Options logferry does not act on: one warning each. */
  readonly unsupported: string[];
}

interface Flag {
  readonly short?: string;
  /** Long names (the first is the one shown). */
  readonly long: readonly string[];
  /** Name of the value, when the option takes one. */
  readonly value?: string;
  readonly doc: string;
  /** Applies the option; returns a problem that stops the command line, if any. */
  readonly apply: (args: FluentBitArgs, value: string, shown: string) => string | void;
}

const service = (key: string, fixed?: string) => (args: FluentBitArgs, value: string) => void args.service.push([key, fixed ?? value]);
const section = (header: FlagSection['header']) => (args: FluentBitArgs, value: string) => void args.sections.push({ header, entries: [['Name', value]] });
const unsupported = (why: string) => (args: FluentBitArgs, value: string, shown: string) =>
  void args.unsupported.push(`${shown}${value ? ` ${value}` : ''} is not supported by logferry (ignored): ${why}`);

/** `-p`, `-t`, `-m`: a property of the last plugin given. */
function property(key: string | undefined) {
  return (args: FluentBitArgs, value: string, shown: string): string | void => {
    const last = args.sections[args.sections.length - 1];
    if (!last) return `${shown} must follow -i, -F or -o (the plugin it sets a property of)`;
    if (key === 'Match' && last.header === 'INPUT') return `${shown} sets the Match of a filter or output, not of the input '${last.entries[0]![1]}'`;
    if (key !== undefined) return void last.entries.push([key, value]);
    const eq = value.indexOf('=');
    if (eq <= 0) return `${shown} needs key=value, got '${value}'`;
    last.entries.push([value.slice(0, eq), value.slice(eq + 1)]);
  };
}

export const FLAGS: readonly Flag[] = [
  { short: 'c', long: ['config'], value: 'FILE', doc: 'configuration file (classic or YAML)', apply: (a, v) => void (a.config = v) },
  { short: 'R', long: ['parser'], value: 'FILE', doc: 'parsers file ([SERVICE] Parsers_File; repeatable)', apply: service('parsers_file') },
  { short: 'D', long: ['dry-run'], doc: "check the configuration and exit (Fluent Bit's exit status: 0 valid, 1 not)", apply: (a) => void (a.dryRun = true) },
  { short: 'w', long: ['workdir'], value: 'DIR', doc: 'working directory: relative paths resolve against it', apply: (a, v) => void (a.workdir = v) },
  { short: 'i', long: ['input'], value: 'INPUT', doc: 'add an input plugin', apply: section('INPUT') },
  { short: 'F', long: ['filter'], value: 'FILTER', doc: 'add a filter plugin', apply: section('FILTER') },
  { short: 'o', long: ['output'], value: 'OUTPUT', doc: 'add an output plugin', apply: section('OUTPUT') },
  { short: 'C', long: ['custom'], value: 'CUSTOM', doc: 'add a custom plugin', apply: section('CUSTOM') },
  { short: 'p', long: ['prop'], value: 'KEY=VALUE', doc: 'set a property of the last plugin added', apply: property(undefined) },
  { short: 't', long: ['tag'], value: 'TAG', doc: "set the last plugin's Tag", apply: property('Tag') },
  { short: 'm', long: ['match'], value: 'MATCH', doc: 'set the last filter or output Match', apply: property('Match') },
  { short: 'f', long: ['flush'], value: 'SECONDS', doc: '[SERVICE] Flush', apply: service('flush') },
  { short: 'b', long: ['storage_path'], value: 'PATH', doc: '[SERVICE] storage.path', apply: service('storage.path') },
  { short: 'H', long: ['http', 'http_server'], doc: 'start the HTTP monitoring server', apply: service('http_server', 'on') },
  { short: 'L', long: ['http_listen'], value: 'ADDRESS', doc: '[SERVICE] HTTP_Listen', apply: service('http_listen') },
  { short: 'P', long: ['port', 'http_port'], value: 'PORT', doc: '[SERVICE] HTTP_Port', apply: service('http_port') },
  { short: 'l', long: ['log_file'], value: 'FILE', doc: 'write the agent log to FILE ([SERVICE] Log_File)', apply: service('log_file') },
  { short: 'v', long: ['verbose'], doc: 'more log: -v debug, -vv trace ([SERVICE] Log_Level wins)', apply: (a) => void (a.verbosity = Math.max(0, a.verbosity) + 1) },
  { short: 'q', long: ['quiet'], doc: 'no log ([SERVICE] Log_Level wins)', apply: (a) => void (a.verbosity = -1) },
  { short: 'Y', long: ['enable-hot-reload'], doc: '[SERVICE] Hot_Reload On', apply: service('hot_reload', 'on') },
  { short: 'W', long: ['disable-thread-safety-on-hot-reload'], doc: '[SERVICE] Hot_Reload.Ensure_Thread_Safety Off', apply: service('hot_reload.ensure_thread_safety', 'off') },
  { short: 's', long: ['coro_stack_size'], value: 'BYTES', doc: '[SERVICE] Coro_Stack_Size (no coroutines in logferry: checked, not used)', apply: service('coro_stack_size') },
  { short: 'Z', long: ['enable-chunk-trace'], doc: '[SERVICE] Enable_Chunk_Trace', apply: service('enable_chunk_trace', 'on') },
  { short: 'V', long: ['version'], doc: 'print the version and exit', apply: (a) => void (a.version = true) },
  { short: 'h', long: ['help'], doc: 'print this help (after -i/-F/-o NAME: the keys of that plugin)', apply: (a) => void (a.help = true) },
  { long: ['env'], value: 'KEY=VALUE', doc: 'logferry: set a variable for ${KEY} expansion (repeatable)', apply: (a, v) => void a.env.push(v) },
  { short: 'e', long: ['plugin'], value: 'FILE', doc: 'unsupported: external plugins (.so) cannot load into logferry', apply: unsupported('logferry runs its own plugins (AWS\'s firehose, cloudwatch and kinesis are checked by validate; kinesis runs)') },
  { short: 'd', long: ['daemon'], doc: 'unsupported: run in the foreground under a process manager', apply: unsupported('logferry stays in the foreground; use your process manager') },
  { long: ['supervisor'], doc: 'unsupported: no supervising parent process', apply: unsupported('logferry runs without a supervising parent process') },
  { short: 'r', long: ['processor'], value: 'PROCESSOR', doc: 'unsupported (Fluent Bit: processor help)', apply: unsupported('use logferry explain') },
  { short: 'T', long: ['sp-task'], value: 'SQL', doc: 'unsupported: no stream processor', apply: unsupported('logferry has no stream processor') },
  { short: 'J', long: ['help-json'], doc: 'unsupported: use logferry schema / explain', apply: unsupported("use 'logferry schema' or 'logferry explain --all'") },
  { short: 'S', long: ['sosreport'], doc: 'unsupported: no support report', apply: unsupported('logferry has no support report') },
  { short: 'M', long: ['windows_maxstdio'], value: 'N', doc: 'unsupported (Windows only)', apply: unsupported('a Windows-only setting') },
  { long: ['trace'], value: 'PIPELINE', doc: 'unsupported: no chunk trace pipeline', apply: unsupported('logferry has no chunk tracing') },
  { long: ['trace-input'], value: 'INPUT', doc: 'unsupported: no chunk trace pipeline', apply: unsupported('logferry has no chunk tracing') },
  { long: ['trace-output'], value: 'OUTPUT', doc: 'unsupported: no chunk trace pipeline', apply: unsupported('logferry has no chunk tracing') },
  { long: ['trace-output-property'], value: 'KEY=VALUE', doc: 'unsupported: no chunk trace pipeline', apply: unsupported('logferry has no chunk tracing') },
];

const LONG_NAMES = FLAGS.flatMap((f) => f.long);

/** The options part of `logferry --help`, from FLAGS. */
export function flagsHelp(): string {
  return FLAGS.map((f) => {
    const names = `${f.short ? `-${f.short}, ` : '    '}--${f.long[0]}${f.value ? `=${f.value}` : ''}`;
    return `  ${names.padEnd(36)}${f.doc}`;
  }).join('\n');
}

/** The long option `name` stands for: itself, or the one option it is a unique prefix of (getopt_long). */
function longFlag(name: string): Flag | string {
  const exact = FLAGS.find((f) => f.long.includes(name));
  if (exact) return exact;
  const prefixed = FLAGS.filter((f) => f.long.some((l) => l.startsWith(name)));
  if (prefixed.length === 1 && name.length > 0) return prefixed[0]!;
  if (prefixed.length > 1) return `option '--${name}' is ambiguous (${prefixed.map((f) => `--${f.long[0]}`).join(', ')})`;
  const suggestion = didYouMean(name, LONG_NAMES);
  return `unknown option '--${name}'${suggestion ? `; did you mean '--${suggestion}'?` : ''}`;
}

/** An option's value, or what is wrong with it. */
function checkedValue(flag: Flag, shown: string, value: string | undefined): { ok: string } | { problem: string } {
  if (value === undefined) return { problem: `${shown} needs a value (${flag.value})` };
  // The values become lines of a classic configuration: a line break would start another.
  if (/[\r\n]/.test(value)) return { problem: `${shown}: a value cannot hold a line break` };
  return { ok: value };
}

/** How messages name an option, however it was spelt. */
function canonical(flag: Flag): string {
  return flag.short ? `-${flag.short}` : `--${flag.long[0]}`;
}

/** Reads a Fluent Bit command line; a string is the problem that stops it. */
export function parseFluentBitArgs(argv: readonly string[]): FluentBitArgs | string {
  const args: FluentBitArgs = { dryRun: false, version: false, help: false, verbosity: 0, service: [], sections: [], env: [], unsupported: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (i + 1 < argv.length) return `unexpected argument '${argv[i + 1]}'`;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const flag = longFlag(name);
      if (typeof flag === 'string') return flag;
      const shown = `--${flag.long[0]}`;
      if (!flag.value && eq >= 0) return `${shown} takes no value`;
      const value = flag.value ? checkedValue(flag, shown, eq < 0 ? argv[++i] : arg.slice(eq + 1)) : { ok: '' };
      if ('problem' in value) return value.problem;
      const problem = flag.apply(args, value.ok, canonical(flag));
      if (problem) return problem;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') return `unexpected argument '${arg}'${argv.length === 1 ? ' (a command? see logferry help)' : ''}`;
    // A bundle of short options: -vv, -Hc file, -cfile.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const flag = FLAGS.find((f) => f.short === letter);
      if (!flag) return `unknown option '-${letter}'${arg.length > 2 ? ` (in '${arg}')` : ''}`;
      const shown = `-${letter}`;
      const value = flag.value ? checkedValue(flag, shown, j + 1 < arg.length ? arg.slice(j + 1) : argv[++i]) : { ok: '' };
      if ('problem' in value) return value.problem;
      if (flag.value) j = arg.length;
      const problem = flag.apply(args, value.ok, canonical(flag));
      if (problem) return problem;
    }
  }
  return args;
}

/** The command line's [SERVICE] keys (lowercase) and values: -v/-q as Log_Level, then the rest in order. */
export function flagsServiceEntries(args: FluentBitArgs): [string, string][] {
  const level: [string, string][] = args.verbosity === 0 ? [] : [['log_level', args.verbosity < 0 ? 'off' : args.verbosity === 1 ? 'debug' : 'trace']];
  return [...level, ...args.service];
}

/**
 * The command line's sections as a classic configuration: `[SERVICE]` first (a configuration file's
 * own `[SERVICE]` keys, read after it, win, as in Fluent Bit), then the plugins in order.
 */
export function flagsConfigText(args: FluentBitArgs, leaveOut: ReadonlySet<string> = new Set()): string {
  const serviceEntries = flagsServiceEntries(args).filter(([key]) => !leaveOut.has(key));
  const blocks = [
    ...(serviceEntries.length > 0 ? [{ header: 'SERVICE', entries: serviceEntries }] : []),
    ...args.sections,
  ];
  return blocks.map((b) => [`[${b.header}]`, ...b.entries.map(([k, v]) => `    ${k} ${v}`)].join('\n')).join('\n\n') + (blocks.length > 0 ? '\n' : '');
}
