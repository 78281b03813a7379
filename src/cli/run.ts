import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Plan } from '../config/plan/types.js';
import { formatText } from '../diagnostics/format-text.js';
import { validateConfig, type ValidationResult } from '../config/validate.js';
import { createLogger, normalizeLevel, startBanner } from '../engine/logger.js';
import { MonitorServer } from '../engine/monitor/server.js';
import { Pipeline } from '../engine/pipeline.js';
import { HotReload } from './hot-reload.js';
import { commandLine, envWithOverrides, EXIT, isFile, type CommandIo } from './io.js';
import { packageVersion } from './version.js';

export const RUN_USAGE = `usage: logferry run -c <config> [--env KEY=VALUE]...
       logferry run -i <input> [-p key=value]... [-t tag] [-F <filter> -m <match> -p ...] -o <output> [-m <match>] [-p ...] [-f seconds]

Runs the agent on a Fluent Bit configuration until SIGTERM/SIGINT (or until an input asks to stop,
e.g. tail Exit_On_Eof). The configuration is validated first: on errors nothing is read and the
exit status is 1. With [SERVICE] Hot_Reload On, SIGHUP (or POST /api/v2/reload on the HTTP
server) reads the configuration again and, if it is valid, replaces the running pipeline.

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

export async function runCommand(argv: string[], io: CommandIo, signals: NodeJS.EventEmitter = process, hooks: RunHooks = {}): Promise<number> {
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
  const configPath = values.config;
  const load = () =>
    configPath ? validateConfig(configPath, { env, cwd: io.cwd }) : validateConfig(join(io.cwd, '<command line>'), { env, cwd: io.cwd, text: converted.text });
  return runAgent(result.plan, load, io, signals, hooks);
}

/** What the agent may do to the process beyond its io (tests replace it). */
export interface RunHooks {
  /** Ends the process at once (the hot reload watchdog, as Fluent Bit's abort()). */
  exit?: (code: number) => void;
}

/**
 * Runs pipelines until SIGTERM/SIGINT or an input asks to stop: the first from `plan`, the next ones
 * from `load` on each hot reload (SIGHUP, POST /api/v2/reload). The HTTP monitoring server, when
 * enabled, runs alongside and reports the current pipeline.
 */
async function runAgent(plan: Plan, load: () => ValidationResult, io: CommandIo, signals: NodeJS.EventEmitter, hooks: RunHooks): Promise<number> {
  const log = createLogger(normalizeLevel(plan.service.log_level), (line) => io.stderr(line));
  log.child('logferry').info(startBanner(packageVersion(), process.pid));
  let requestStop: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    requestStop = resolve;
  });
  const create = (p: Plan): Pipeline => {
    const pipeline: Pipeline = new Pipeline(p, {
      logSink: (line) => io.stderr(line),
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
    stderr: (text) => io.stderr(text),
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

function httpKey(plan: Plan): string {
  const s = plan.service;
  return s.http_server ? `${s.http_listen}|${s.http_port}` : '';
}
