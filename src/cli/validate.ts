import { parseArgs } from 'node:util';
import { makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { isYamlPath } from '../config/fargate/manifest.js';
import { validateFargateFiles, validateManifestFile, type FargateValidation } from '../config/fargate/validate.js';
import { validateConfig } from '../config/validate.js';
import { envWithOverrides, EXIT, isFile, type CommandIo } from './io.js';
import { isValidateFormat, VALIDATE_FORMATS, writeReport, writeUnreadable } from './validate-report.js';

export const VALIDATE_USAGE = `usage: logferry validate [--format text|json|sarif|github] [--sarif-root DIR] [--env KEY=VALUE]... [--deny-warnings] [--fargate] [--main KEY] <config>...

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
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        env: { type: 'string', multiple: true, default: [] },
        'deny-warnings': { type: 'boolean', default: false },
        fargate: { type: 'boolean', default: false },
        main: { type: 'string' },
        'sarif-root': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.stderr(`logferry validate: ${(err as Error).message}\n${VALIDATE_USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${VALIDATE_USAGE}\n`);
    return EXIT.ok;
  }
  const format = values.format;
  if (!isValidateFormat(format)) {
    io.stderr(`logferry validate: --format must be ${VALIDATE_FORMATS.join(', ')}, not '${format}'\n`);
    return EXIT.usage;
  }
  if (positionals.length === 0) {
    io.stderr(`logferry validate: no config file given\n${VALIDATE_USAGE}\n`);
    return EXIT.usage;
  }
  const env = envWithOverrides('validate', values.env, io);
  if (typeof env === 'number') return env;
  const unreadable = positionals.filter((file) => !isFile(file, io)).map((file) => ({ file, reason: 'not a file' }));
  for (const u of unreadable) io.stderr(`logferry validate: cannot read '${u.file}': ${u.reason}\n`);
  if (unreadable.length > 0) {
    writeUnreadable(format, unreadable, values['sarif-root'], io);
    return EXIT.usage;
  }

  // Kubernetes manifests with ConfigMaps; with --fargate, the other files form one Fargate configuration.
  const manifests = new Map<string, Checked | undefined>(
    positionals.map((f) => [f, guarded(f, () => validateManifestFile(f, { cwd: io.cwd, fargate: values.fargate, env, main: values.main }))]),
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
  for (const file of positionals) {
    if (fargateSet.includes(file)) continue;
    add(manifests.get(file) ?? guarded(file, () => validateConfig(file, { env, cwd: io.cwd })));
  }
  if (fargateSet.length > 0) add(guarded(fargateSet[0]!, () => validateFargateFiles(fargateSet, { cwd: io.cwd })));
  writeReport({ format, files, diagnostics, sources, sarifRoot: values['sarif-root'] }, io);

  const errors = diagnostics.some((d) => d.severity === 'error');
  const warnings = diagnostics.some((d) => d.severity === 'warning');
  return errors || (values['deny-warnings'] && warnings) ? EXIT.problems : EXIT.ok;
}
