import { didYouMean } from '../diagnostics/did-you-mean.js';
import { EXIT, isFile, processIo, type CommandIo } from './io.js';
import { validateCommand } from './validate.js';
import { packageVersion } from './version.js';

const USAGE = `usage: logferry <command> [options]

commands:
  demo                   run the agent on AWS's Container Insights config against local AWS and Kubernetes stand-ins
  run -c <config>        run the agent on a Fluent Bit configuration
  validate <config>...   check Fluent Bit configurations and report every problem
  test <test.yaml>...    run configuration tests: input lines/records in, expected records out
  convert <config> --to yaml|classic   convert a configuration to the other format
  explain <plugin>       show the keys of a plugin or section (--all --format markdown: every one)
  schema                 print a JSON Schema of the YAML configuration format for editors
  aws-local              run a local CloudWatch Logs + Firehose + Kinesis + S3 + STS endpoint (tail, firehose, kinesis, s3: print what it got)
  bench [<scenario>|all] run benchmarks (JSON lines; --compare <fluent-bit>; 'bench report' writes docs/benchmarks.md)
  help                   show this help
  version                print the version

Without a command, logferry reads Fluent Bit's command line and runs as fluent-bit would:
  logferry --workdir=/fluent-bit/etc --config=/fluent-bit/etc/conf/fluent-bit.conf
  logferry -c fluent-bit.conf -R parsers.conf -D      (dry run: check and exit 0 or 1)
Run 'logferry <command> --help' for the options of a command ('logferry run --help': Fluent Bit's).`;

/** The commands, for suggestions (USAGE lists them for people). */
const COMMANDS = ['demo', 'run', 'validate', 'test', 'convert', 'explain', 'schema', 'aws-local', 'bench', 'help', 'version'] as const;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return validateCommand(rest, io);
    case 'explain':
      return (await import('./explain.js')).explainCommand(rest, io);
    case 'schema':
      return (await import('./schema.js')).schemaCommand(rest, io);
    case 'convert':
      return (await import('./convert.js')).convertCommand(rest, io);
    case 'run':
      return (await import('./run.js')).runCommand(rest, io);
    case 'demo':
      return (await import('./demo.js')).demoCommand(rest, io);
    case 'test':
      return (await import('./test.js')).testCommand(rest, io);
    case 'aws-local':
      return (await import('./aws-local.js')).awsLocalCommand(rest, io);
    case 'bench':
      return (await import('./bench.js')).benchCommand(rest, io);
    case 'version':
    case '--version':
    case '-V':
      // Alone (as Fluent Bit's -V is): answered here, without loading the agent. With other options: below.
      if (command !== 'version' && rest.length > 0) return (await import('./run.js')).agentCommand(argv, io, 'fluent-bit');
      io.stdout(`logferry ${packageVersion()}\n`);
      return EXIT.ok;
    case undefined:
    case 'help':
      io.stdout(`${USAGE}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default: {
      if ((command === '--help' || command === '-h') && rest.length === 0) {
        io.stdout(`${USAGE}\n`);
        return EXIT.ok;
      }
      // Options first: Fluent Bit's command line (the official chart and AWS's manifests run it).
      if (command.startsWith('-') && command !== '-') return (await import('./run.js')).agentCommand(argv, io, 'fluent-bit');
      const suggestion = isFile(command, io) ? `logferry validate ${command}' or 'logferry -c ${command}` : didYouMean(command, COMMANDS);
      io.stderr(
        `logferry: unknown command '${command}'${suggestion ? `; did you mean '${suggestion}'?` : ''}\n` +
          `usage: logferry <command> [options]   (commands: ${COMMANDS.join(', ')})\nRun 'logferry help' for more.\n`,
      );
      return EXIT.usage;
    }
  }
}
