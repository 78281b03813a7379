import { appendFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plan, ServiceOptions } from '../config/plan/types.js';
import { withHostname } from '../config/resolve/env.js';
import type { Entry } from '../config/document/model.js';
import { loadConfig, type LoadedConfig } from '../config/resolve/load.js';
import serviceSection from '../config/sections/service.js';
import type { OptionTable } from '../options/spec.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { formatText } from '../diagnostics/format-text.js';
import { validateLoaded, type ValidationResult } from '../config/validate.js';
import { createLogger, normalizeLevel, startBanner } from '../engine/logger.js';
import { MonitorServer } from '../engine/monitor/server.js';
import { Pipeline } from '../engine/pipeline.js';
import { HotReload } from './hot-reload.js';
import { textStyle } from './colour.js';
import { flagsConfigText, flagsHelp, flagsServiceEntries, parseFluentBitArgs, type FluentBitArgs } from './fluent-bit-args.js';
import { envWithOverrides, EXIT, isFile, shortUsage, usageError, type CommandIo } from './io.js';
import { packageVersion } from './version.js';

export const RUN_USAGE = `usage: logferry run -c <config> [--env KEY=VALUE]... [option]...
       logferry run -i <input> [-p key=value]... [-t tag] [-F <filter> -m <match> -p ...] -o <output> [-m <match>] [-p ...]
       logferry [option]...   (no command: the fluent-bit command line, e.g. --workdir=/fluent-bit/etc -c conf/fluent-bit.conf)

Runs the agent on a Fluent Bit configuration until SIGTERM/SIGINT (or until an input asks to stop,
e.g. tail Exit_On_Eof). The configuration is validated first: on errors nothing is read and the
exit status is 1. With [SERVICE] Hot_Reload On, SIGHUP (or POST /api/v2/reload on the HTTP
server) reads the configuration again and, if it is valid, replaces the running pipeline.
Options are Fluent Bit's (4.2.8): plugin flags add sections after those of -c's file, service flags
are overridden by its [SERVICE]; -D checks and exits. Without a command, failures exit 1 as
Fluent Bit's do; 'logferry run' exits 2 on a usage error or an unreadable file.

options:
${flagsHelp()}`;

/** How failures end the command: 'run' has logferry's exit codes, 'fluent-bit' Fluent Bit's (always 1). */
export type AgentDialect = 'run' | 'fluent-bit';

/**
 * Loads the configuration a command line names: the -c file (if any) with the command line's
 * sections before its own (Fluent Bit reads the command line first: the file's [SERVICE] keys win,
 * command-line plugins come first), or the command line alone.
 */
export function loadFlagsConfig(args: FluentBitArgs, env: Readonly<Record<string, string | undefined>>, cwd: string): ValidationResult {
  const fromFlags = (text: string) => loadConfig(join(cwd, '<command line>'), { env: withHostname(env), cwd, text, format: 'classic' });
  if (args.config === undefined) return validateLoaded(fromFlags(flagsConfigText(args)));
  const file = loadConfig(args.config, { env: withHostname(env), cwd });
  const overridden = overriddenByFile(args, file);
  const text = flagsConfigText(args, new Set(overridden.keys()));
  if (text.length === 0) return validateLoaded(file);
  const flags = fromFlags(text);
  // loadExtra (Parsers_File) reports into the file's arrays: extend them rather than copy.
  file.files.push(...flags.files);
  for (const [name, source] of flags.sources) file.sources.set(name, source);
  file.diagnostics.push(...flags.diagnostics);
  return validateLoaded({ ...file, sections: [...flags.sections, ...file.sections] });
}

/**
 * The command line's [SERVICE] keys the file sets too (Fluent Bit reads the file's after them, so
 * the file's win): left out of the command line's configuration, each with a warning at the file's
 * key. Repeatable keys (-R's Parsers_File) add to the file's instead.
 */
function overriddenByFile(args: FluentBitArgs, file: LoadedConfig): Map<string, string> {
  const fileKeys = new Map<string, Entry>();
  for (const section of file.sections) {
    if (section.kind !== 'service') continue;
    for (const entry of section.entries) if (!fileKeys.has(entry.key.toLowerCase())) fileKeys.set(entry.key.toLowerCase(), entry);
  }
  const overridden = new Map<string, string>();
  for (const [key, value] of flagsServiceEntries(args)) {
    const entry = fileKeys.get(key);
    if (!entry || (serviceSection.options as OptionTable)[key]?.multiple) continue;
    overridden.set(key, value);
    file.diagnostics.push(
      makeDiagnostic({
        code: 'duplicate-key',
        severity: 'warning',
        message: `the command line's ${key} ${value} is overridden by '${entry.key} ${entry.value}' in ${file.format === 'yaml' ? 'service' : '[SERVICE]'}, as in Fluent Bit`,
        span: entry.keySpan,
      }),
    );
  }
  return overridden;
}

export async function runCommand(argv: string[], io: CommandIo, signals: NodeJS.EventEmitter = process, hooks: RunHooks = {}): Promise<number> {
  return agentCommand(argv, io, 'run', signals, hooks);
}

/** `logferry run ...` and `logferry <Fluent Bit's options>`: validate, then run (or with -D, only validate). */
export async function agentCommand(argv: readonly string[], io: CommandIo, dialect: AgentDialect, signals: NodeJS.EventEmitter = process, hooks: RunHooks = {}): Promise<number> {
  const name = dialect === 'run' ? 'logferry run' : 'logferry';
  const failed = (code: number) => (dialect === 'run' ? code : EXIT.problems);
  const usage = (problem: string) => {
    if (dialect === 'run') return usageError('run', RUN_USAGE, io, problem);
    io.stderr(`logferry: ${problem}\n${shortUsage('run', RUN_USAGE)}\n`);
    return EXIT.problems;
  };
  const args = parseFluentBitArgs(argv);
  if (typeof args === 'string') return usage(args);
  for (const warning of args.unsupported) io.stderr(`${name}: warning: ${warning}\n`);
  if (args.version) {
    io.stdout(`logferry ${packageVersion()}\n`);
    return EXIT.ok;
  }
  if (args.help) {
    const last = args.sections[args.sections.length - 1];
    if (!last) {
      io.stdout(`${RUN_USAGE}\n`);
      return EXIT.ok;
    }
    // Fluent Bit's `-i tail -h` prints the plugin's options: logferry explain does.
    const kind = last.header === 'CUSTOM' ? [] : ['--kind', last.header.toLowerCase()];
    return (await import('./explain.js')).explainCommand([...kind, last.entries[0]![1]], io);
  }
  if (args.workdir !== undefined) {
    const dir = resolve(io.cwd, args.workdir);
    if (!isDirectory(dir)) {
      io.stderr(`${name}: cannot change to --workdir '${args.workdir}': not a directory\n`);
      return failed(EXIT.usage);
    }
    io.chdir?.(dir);
    io = { ...io, cwd: dir };
  }
  const env = envWithOverrides(dialect, args.env, io);
  if (typeof env === 'number') return failed(env);
  if (args.config !== undefined && !isFile(args.config, io)) {
    io.stderr(`${name}: could not open configuration file '${args.config}' (in ${io.cwd})\n`);
    return failed(EXIT.usage);
  }
  if (args.config === undefined && args.sections.length === 0 && !args.dryRun) {
    return usage('no configuration: give -c <config> or -i <input> -o <output> (-V prints the version)');
  }
  const load = () => withEnvLogLevel(loadFlagsConfig(args, env, io.cwd), env);
  const result = load();
  if (result.diagnostics.length > 0) io.stderr(formatText(result.diagnostics, result.sources, result.files.length, textStyle(io, 'stderr')));
  if (!result.ok) return EXIT.problems;
  if (args.dryRun) {
    io.stderr('configuration test is successful\n');
    return EXIT.ok;
  }
  return runAgent(result.plan, load, io, signals, hooks);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** What the agent may do to the process beyond its io (tests replace it). */
export interface RunHooks {
  /** Ends the process at once (the hot reload watchdog, as Fluent Bit's abort()). */
  exit?: (code: number) => void;
}

/**
 * `FLB_LOG_LEVEL` in the environment overrides `Log_Level` and `-v`/`-q` when it names a level, as
 * Fluent Bit's set_log_level_from_env does (flb_config.c, called after the command line is read);
 * any other value is ignored.
 */
function withEnvLogLevel(result: ValidationResult, env: Readonly<Record<string, string | undefined>>): ValidationResult {
  const level = env['FLB_LOG_LEVEL']?.toLowerCase();
  if (level === undefined || !ENV_LOG_LEVELS.has(level)) return result;
  return { ...result, plan: { ...result.plan, service: { ...result.plan.service, log_level: level as ServiceOptions['log_level'] } } };
}

const ENV_LOG_LEVELS: ReadonlySet<string> = new Set(['off', 'error', 'warn', 'warning', 'info', 'debug', 'trace']);

/**
 * Runs pipelines until SIGTERM/SIGINT or an input asks to stop: the first from `plan`, the next ones
 * from `load` on each hot reload (SIGHUP, POST /api/v2/reload). The HTTP monitoring server, when
 * enabled, runs alongside and reports the current pipeline.
 */
async function runAgent(plan: Plan, load: () => ValidationResult, io: CommandIo, signals: NodeJS.EventEmitter, hooks: RunHooks): Promise<number> {
  const sink = agentLogSink(plan, io);
  const log = createLogger(normalizeLevel(plan.service.log_level), sink);
  log.child('logferry').info(startBanner(packageVersion(), process.pid));
  let requestStop: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    requestStop = resolve;
  });
  const create = (p: Plan): Pipeline => {
    const pipeline: Pipeline = new Pipeline(p, {
      logSink: sink,
      onDone: () => {
        if (reload.pipeline === pipeline) requestStop(EXIT.ok);
      },
    });
    return pipeline;
  };
  let monitor: MonitorServer | undefined;
  const startMonitor = async (p: Plan): Promise<void> => {
    if (!p.service.http_server) return;
    const server = new MonitorServer({ pipeline: () => reload.pipeline, version: packageVersion(), log, reload });
    await server.start(p.service.http_listen, p.service.http_port);
    monitor = server;
  };
  const reload: HotReload = new HotReload(create(plan), {
    load,
    create,
    log: log.child('reload'),
    stderr: sink,
    swapped: async (previous, current) => {
      // Fluent Bit starts a new HTTP server with the new context; logferry keeps its server unless
      // HTTP_Server, HTTP_Listen or HTTP_Port changed.
      if (httpKey(previous.plan) === httpKey(current.plan)) return;
      await monitor?.close();
      monitor = undefined;
      try {
        await startMonitor(current.plan);
      } catch (err) {
        log.error((err as Error).message);
      }
    },
    fatal: (message) => {
      log.error(message);
      requestStop(EXIT.problems);
    },
    abort: (message) => {
      log.error(message);
      (hooks.exit ?? ((code: number) => process.exit(code)))(EXIT.problems);
    },
  });
  const onSignal = () => requestStop(EXIT.ok);
  const onHangup = () => {
    reload.request('signal').catch((err: unknown) => log.error(`[reload] ${(err as Error).message}`));
  };
  signals.once('SIGTERM', onSignal);
  signals.once('SIGINT', onSignal);
  signals.on('SIGHUP', onHangup);
  try {
    try {
      await reload.pipeline.start();
      await startMonitor(plan);
    } catch (err) {
      io.stderr(`logferry run: ${(err as Error).message}\n`);
      await reload.pipeline.stop(0);
      return EXIT.problems;
    }
    const code = await finished;
    await reload.shutdown();
    await reload.pipeline.stop();
    return code;
  } finally {
    signals.removeListener('SIGTERM', onSignal);
    signals.removeListener('SIGINT', onSignal);
    signals.removeListener('SIGHUP', onHangup);
    await monitor?.close();
  }
}

/**
 * Where the agent logs: [SERVICE] Log_File (or -l), appended to, as Fluent Bit does, else stderr.
 * The file is the one of the first configuration: a reload does not move the log.
 */
function agentLogSink(plan: Plan, io: CommandIo): (line: string) => void {
  const file = plan.service.log_file;
  if (!file) return (line) => io.stderr(line);
  const path = resolve(io.cwd, file);
  return (line) => {
    try {
      appendFileSync(path, line);
    } catch {
      io.stderr(line); // an unwritable log file loses no line
    }
  };
}

function httpKey(plan: Plan): string {
  const s = plan.service;
  return s.http_server ? `${s.http_listen}|${s.http_port}` : '';
}
