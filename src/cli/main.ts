import { readFileSync } from 'node:fs';
import { EXIT, processIo, type CommandIo } from './io.js';
import { validateCommand } from './validate.js';

const USAGE = `usage: logferry <command> [options]

commands:
  demo                   run the agent on AWS's Container Insights config against local AWS and Kubernetes stand-ins
  run -c <config>        run the agent on a Fluent Bit configuration
  validate <config>...   check Fluent Bit configurations and report every problem
  test <test.yaml>...    run configuration tests: input lines/records in, expected records out
  convert <config> --to yaml|classic   convert a configuration to the other format
  explain <plugin>       show the keys of a plugin or section (--all --format markdown: every one)
  schema                 print a JSON Schema of the YAML configuration format for editors
  aws-local              run a local CloudWatch Logs + Firehose + STS endpoint (tail, firehose: print what it got)
  bench [<scenario>|all] run benchmarks (JSON lines; --compare <fluent-bit>; 'bench report' writes docs/benchmarks.md)
  help                   show this help
  version                print the version

Run 'logferry <command> --help' for the options of a command.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

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
    case '-v':
      io.stdout(`logferry ${version()}\n`);
      return EXIT.ok;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(`${USAGE}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      io.stderr(`logferry: unknown command '${command}'\n${USAGE}\n`);
      return EXIT.usage;
  }
}
