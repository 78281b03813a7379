import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { isYamlPath } from '../config/fargate/manifest.js';
import { validateFargateFiles, validateManifestFile, validateManifestText, type FargateValidation } from '../config/fargate/validate.js';
import { validateConfig } from '../config/validate.js';
import { chooseTarget, DEFAULT_TARGET, describeTarget, TARGET_ENV, TARGET_FILE, type FluentBitTarget } from '../config/versions/target.js';
import { textStyle } from './colour.js';
import { commandLine, envWithOverrides, EXIT, isFile, usageError, type CommandIo } from './io.js';
import { isValidateFormat, VALIDATE_FORMATS, writeReport } from './validate-report.js';

export const VALIDATE_USAGE = `usage: logferry validate [--format text|json|sarif|github] [--sarif-root DIR] [--env KEY=VALUE]... [--deny-warnings] [--fargate] [--main KEY]
                         [--fluent-bit-version X.Y[.Z] | --target NAME] <config>...

Checks Fluent Bit configurations, classic (.conf, with @INCLUDE and Parsers_File) or YAML
(.yaml/.yml, with includes and processors), and prints every problem with its file, line and
column. A .yaml/.yml Kubernetes manifest holding a ConfigMap is read as one: the ConfigMap
aws-logging is checked with the EKS on Fargate rules; a ConfigMap with a data key fluent-bit.conf
(or fluent-bit.yaml) is checked as that configuration, its other keys being the files it includes.

options:
  --format text|json|sarif|github  output format (default: text; sarif: SARIF 2.1.0 for code
                       scanning; github: GitHub Actions annotations, paths relative to GITHUB_WORKSPACE)
  --sarif-root DIR     directory SARIF file URIs are relative to (default: the working directory)
  --fargate            apply the EKS on Fargate rules: the .conf files given form one Fargate
                       configuration (their [FILTER]/[OUTPUT]/[PARSER] sections play filters.conf,
                       output.conf and parsers.conf); every ConfigMap of a manifest is checked
  --env KEY=VALUE      set a variable for \${KEY} expansion (repeatable; overrides the environment)
  --main KEY           the data key of a ConfigMap's main Fluent Bit file (default: fluent-bit.conf)
  --deny-warnings      exit 1 on warnings too
  --fluent-bit-version X.Y[.Z]
                       the Fluent Bit release that runs the file (1.9 to 5.1): a plugin, key or YAML
                       section it does not have is an error
  --target NAME        the same by image: aws-for-fluent-bit-2.32 (Fluent Bit 1.9.10 with AWS's Go
                       outputs), eks-fargate (1.9.10, the plugins EKS on Fargate supports),
                       fluent-bit-4.2, fluent-bit-5.1, ...
                       Without either: \$${TARGET_ENV}, else the first line of a
                       ${TARGET_FILE} file in the config's directory or a parent,
                       else ${DEFAULT_TARGET} (the default)
exit status: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 usage or unreadable input`;

/** What checking one input gives: the files read, their text, and the problems found. */
type Checked = Pick<FargateValidation, 'files' | 'sources' | 'diagnostics'>;

/**
 * Runs one check; an exception (a bug) becomes an internal-error diagnostic on the file, so the
 * report is still complete JSON or SARIF and the exit status still 1.
 */
function guarded<T>(file: string, check: () => T): T | Checked {
  try {
    return check();
  } catch (err) {
    const message = `logferry failed while checking this file: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    return { files: [file], sources: new Map(), diagnostics: [makeDiagnostic({ code: 'internal-error', message, file })] };
  }
}

export async function validateCommand(args: string[], io: CommandIo): Promise<number> {
  const parsed = commandLine('validate', VALIDATE_USAGE, io, {
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      env: { type: 'string', multiple: true, default: [] },
      'deny-warnings': { type: 'boolean', default: false },
      fargate: { type: 'boolean', default: false },
      main: { type: 'string' },
      'sarif-root': { type: 'string' },
      'fluent-bit-version': { type: 'string' },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const format = values.format;
  if (!isValidateFormat(format)) return usageError('validate', VALIDATE_USAGE, io, `--format must be ${VALIDATE_FORMATS.join(', ')}, not '${format}'`);
  if (parsed.positionals.length === 0) return usageError('validate', VALIDATE_USAGE, io, "no config file given ('-' reads standard input)");
  if (parsed.positionals.filter((f) => f === STDIN).length > 1) return usageError('validate', VALIDATE_USAGE, io, "'-' (standard input) can be given once");
  const env = envWithOverrides('validate', values.env, io);
  if (typeof env === 'number') return env;
  if (values.target !== undefined && values['fluent-bit-version'] !== undefined) return usageError('validate', VALIDATE_USAGE, io, 'give --fluent-bit-version or --target, not both');
  const targets = new Map<string, FluentBitTarget>();
  for (const file of parsed.positionals) {
    const target = chooseTarget(values.target ?? values['fluent-bit-version'], io.env, file === STDIN ? join(io.cwd, STDIN_NAME) : resolve(io.cwd, file));
    if ('error' in target) return usageError('validate', VALIDATE_USAGE, io, target.error);
    targets.set(file, target);
  }
  // Every argument is checked: one that cannot be read is a diagnostic, and the exit status 2.
  const unreadable = parsed.positionals.filter((f) => f !== STDIN && !isFile(f, io));
  const positionals = parsed.positionals.filter((f) => !unreadable.includes(f));
  const stdin = positionals.includes(STDIN) ? await checkStdin(io, env, values, targets.get(STDIN)) : undefined;
  if (typeof stdin === 'number') return stdin;

  // Kubernetes manifests with ConfigMaps; with --fargate, the other files form one Fargate configuration.
  const manifests = new Map<string, Checked | undefined>(
    positionals.map((f) => [f, f === STDIN ? stdin : guarded(f, () => validateManifestFile(f, { cwd: io.cwd, fargate: values.fargate, env, main: values.main, target: targets.get(f) }))]),
  );
  const fargateSet = values.fargate ? positionals.filter((f) => !manifests.get(f)) : [];
  const notManifest = fargateSet.find(isYamlPath);
  if (notManifest !== undefined) {
    io.stderr(`logferry validate: --fargate: '${notManifest}' holds no Kubernetes ConfigMap; give the aws-logging manifest or classic .conf files\n`);
    return EXIT.usage;
  }

  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const add = (result: Checked) => {
    for (const f of result.files) if (!files.includes(f)) files.push(f);
    for (const [k, v] of result.sources) sources.set(k, v);
    diagnostics.push(...result.diagnostics);
  };
  // In the order given.
  const unreadableInputs = unreadable.map((file) => ({ file, reason: whyUnreadable(file, io) }));
  for (const file of parsed.positionals) {
    const u = unreadableInputs.find((i) => i.file === file);
    if (u) {
      add({ files: [file], sources: new Map(), diagnostics: [makeDiagnostic({ code: 'unreadable-file', message: `cannot read '${file}': ${u.reason}`, file })] });
      continue;
    }
    if (fargateSet.includes(file)) continue;
    add(manifests.get(file) ?? guarded(file, () => validateConfig(file, { env, cwd: io.cwd, target: targets.get(file) })));
  }
  if (fargateSet.length > 0) add(guarded(fargateSet[0]!, () => validateFargateFiles(fargateSet, { cwd: io.cwd, target: targets.get(fargateSet[0]!) })));
  const target = { label: targetSummary([...targets.values()]), chosen: [...targets.values()].some((t) => t.source !== 'default') };
  writeReport({ format, files, diagnostics, sources, sarifRoot: values['sarif-root'], unreadable: unreadableInputs, style: textStyle(io, 'stdout'), target }, io);

  const errors = diagnostics.some((d) => d.severity === 'error');
  const warnings = diagnostics.some((d) => d.severity === 'warning');
  if (unreadable.length > 0) return EXIT.usage;
  return errors || (values['deny-warnings'] && warnings) ? EXIT.problems : EXIT.ok;
}

/** The argument naming standard input. */
const STDIN = '-';
/** How standard input is shown in diagnostics. */
const STDIN_NAME = '<stdin>';

/**
 * Checks standard input (`kubectl get cm aws-logging -n aws-observability -o yaml | logferry validate -`):
 * a Kubernetes manifest as a manifest file is, else a Fluent Bit configuration, YAML when its first
 * line is a `key:` (service:, pipeline:, ...), classic otherwise. Relative paths in it resolve
 * against the working directory.
 */
async function checkStdin(
  io: CommandIo,
  env: Readonly<Record<string, string | undefined>>,
  values: { fargate: boolean; main?: string | undefined },
  target: FluentBitTarget | undefined,
): Promise<Checked | number> {
  const text = io.readStdin ? await io.readStdin() : '';
  const manifest = guarded(STDIN_NAME, () => validateManifestText(STDIN_NAME, text, io.cwd, { fargate: values.fargate, env, main: values.main, target }));
  if (manifest) return manifest;
  if (values.fargate) {
    io.stderr(`logferry validate: --fargate: standard input holds no Kubernetes ConfigMap; pipe the aws-logging manifest (kubectl get cm aws-logging -n aws-observability -o yaml)\n`);
    return EXIT.usage;
  }
  const firstLine = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  const format = /^[A-Za-z_][\w.-]*\s*:/.test(firstLine) ? 'yaml' : 'classic';
  return guarded(STDIN_NAME, () => validateConfig(join(io.cwd, STDIN_NAME), { env, cwd: io.cwd, text, format, target }));
}

/** "Fluent Bit 5.1.1 (the default)" or "aws-for-fluent-bit-2.32 (Fluent Bit 1.9.10), from .fluent-bit-version": the targets the files were checked for. */
function targetSummary(targets: readonly FluentBitTarget[]): string {
  const described = targets.map((t) => `${describeTarget(t)}${t.source === 'default' ? ' (the default)' : t.source === 'option' ? '' : `, from ${t.source}`}`);
  return [...new Set(described)].join('; ');
}

/** Why an argument is not a readable file, in a few words. */
function whyUnreadable(file: string, io: CommandIo): string {
  try {
    return statSync(resolve(io.cwd, file)).isDirectory() ? 'it is a directory' : 'not a regular file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((err as NodeJS.ErrnoException).code ?? String(err));
  }
}
