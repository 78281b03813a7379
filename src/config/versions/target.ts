/**
 * The Fluent Bit a configuration is checked for: a release (`--fluent-bit-version 4.2`) or a named
 * image (`--target aws-for-fluent-bit-2.32`), and where the choice came from.
 */
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { FARGATE_FILTERS, FARGATE_OUTPUTS } from '../fargate/rules.js';
import { versionData, type CoreKind } from './data.js';
import { lineOf, ReleaseTables } from './tables.js';

/** The variable naming the target when no option does (a version or a target name). */
export const TARGET_ENV = 'LOGFERRY_FLUENT_BIT_VERSION';
/** The file naming the target, looked for in the configuration's directory and its parents. */
export const TARGET_FILE = '.fluent-bit-version';
/** The target when nothing names one: the newest release, whose tables logferry's own match. */
export const DEFAULT_TARGET = 'fluent-bit-5.1';

/** The outputs AWS adds in its aws-for-fluent-bit images (Go plugins, not in Fluent Bit's source). */
const AWS_GO_OUTPUTS: readonly string[] = ['cloudwatch', 'firehose', 'kinesis'];

export interface FluentBitTarget {
  /** How the user named it: `fluent-bit-4.2`, `aws-for-fluent-bit-2.32`, `eks-fargate`, or `4.2.3`. */
  readonly name: string;
  readonly tables: ReleaseTables;
  /** Plugins the image adds to Fluent Bit's (AWS's Go outputs). */
  readonly extraPlugins: Readonly<Partial<Record<CoreKind, readonly string[]>>>;
  /** When set, the only plugins the target accepts (EKS on Fargate's list). */
  readonly onlyPlugins?: Readonly<Partial<Record<CoreKind, readonly string[]>>>;
  /** Where the choice came from: 'default', 'option', 'environment', or the path of the file naming it. */
  readonly source: string;
}

interface NamedTarget {
  readonly version: string;
  readonly doc: string;
  readonly extraPlugins?: FluentBitTarget['extraPlugins'];
  readonly onlyPlugins?: FluentBitTarget['onlyPlugins'];
}

/** The images users run, by name (the `fluent-bit-X.Y` names are added for every release line). */
const NAMED: Readonly<Record<string, NamedTarget>> = {
  'aws-for-fluent-bit-2.32': {
    version: '1.9.10',
    doc: "AWS's aws-for-fluent-bit 2.32.x image (its Dockerfile sets FLB_VERSION 1.9.10), with AWS's Go outputs cloudwatch, firehose and kinesis",
    extraPlugins: { output: AWS_GO_OUTPUTS },
  },
  'eks-fargate': {
    version: '1.9.10',
    doc: "EKS on Fargate's log router (AWS-managed, built from aws-for-fluent-bit): the plugins AWS documents for it (logferry's Fargate rules), checked with 1.9.10's tables",
    extraPlugins: { output: AWS_GO_OUTPUTS },
    onlyPlugins: { input: ['tail'], filter: FARGATE_FILTERS, output: FARGATE_OUTPUTS },
  },
};

/** Every target name with what it is, for `--help` and error messages. */
export function targetNames(): { name: string; doc: string }[] {
  const lines = versionData().releases.map((v) => ({ name: `fluent-bit-${lineOf(v)}`, doc: `Fluent Bit ${v}` }));
  return [...lines, ...Object.entries(NAMED).map(([name, t]) => ({ name, doc: t.doc }))];
}

/** Tables by release index: each release's key tables are built once per process. */
const RELEASES = new Map<number, ReleaseTables>();

/** The release tables of a version `X.Y` or `X.Y.Z` (a leading `v` is accepted), or why not. */
export function releaseOf(text: string): ReleaseTables | { error: string } {
  const data = versionData();
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  const lines = data.releases.map(lineOf);
  const known = `${lines[0]} to ${lines[lines.length - 1]}`;
  if (!m) return { error: `'${text}' is not a Fluent Bit version (X.Y or X.Y.Z, ${known})` };
  const index = lines.indexOf(`${Number(m[1])}.${Number(m[2])}`);
  if (index < 0) return { error: `logferry has no tables for Fluent Bit ${m[1]}.${m[2]}; it knows ${lines.join(', ')}` };
  let tables = RELEASES.get(index);
  if (!tables) RELEASES.set(index, (tables = new ReleaseTables(data, index)));
  return tables;
}

/**
 * A target from a version or a target name. A patch release other than the one the tables were
 * generated from is checked with its line's tables (the last patch release of each line).
 */
export function resolveTarget(text: string, source: FluentBitTarget['source']): FluentBitTarget | { error: string } {
  const name = text.trim();
  const named = NAMED[name.toLowerCase()];
  if (named) {
    const tables = releaseOf(named.version) as ReleaseTables;
    return { name: name.toLowerCase(), tables, extraPlugins: named.extraPlugins ?? {}, ...(named.onlyPlugins ? { onlyPlugins: named.onlyPlugins } : {}), source };
  }
  const line = /^fluent-bit-(.+)$/i.exec(name);
  const tables = releaseOf(line ? line[1]! : name);
  if ('error' in tables) {
    const names = targetNames().map((t) => t.name);
    return { error: /^v?\d/.test(name) || line ? tables.error : `unknown target '${name}'; the targets are ${names.join(', ')}, or a version X.Y[.Z]` };
  }
  return { name: line ? name.toLowerCase() : name, tables, extraPlugins: {}, source };
}

/** "Fluent Bit 4.2.8", or "Fluent Bit 4.2.3 (checked with 4.2.8's tables)", or "aws-for-fluent-bit-2.32 (Fluent Bit 1.9.10)". */
export function describeTarget(target: FluentBitTarget): string {
  const version = target.tables.version;
  const given = target.name.replace(/^v/, '');
  if (target.name.startsWith('fluent-bit-') || given === version || /^\d+\.\d+$/.test(given)) return `Fluent Bit ${version}`;
  if (/^\d/.test(given)) return `Fluent Bit ${given} (checked with ${version}'s tables, the last ${lineOf(version)} release)`;
  return `${target.name} (Fluent Bit ${version})`;
}

/** The file naming the target for a configuration: its directory's, else the nearest parent's. */
export function findTargetFile(configPath: string): string | undefined {
  let dir = dirname(configPath);
  for (;;) {
    const candidate = join(dir, TARGET_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The target for a configuration: the option's, else the environment's, else the `.fluent-bit-version`
 * file's (its first line that is not a comment), else the default.
 */
export function chooseTarget(option: string | undefined, env: Readonly<Record<string, string | undefined>>, configPath: string | undefined): FluentBitTarget | { error: string } {
  if (option !== undefined) return resolveTarget(option, 'option');
  const fromEnv = env[TARGET_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const t = resolveTarget(fromEnv, 'environment');
    return 'error' in t ? { error: `${TARGET_ENV}: ${t.error}` } : t;
  }
  const file = configPath === undefined ? undefined : findTargetFile(configPath);
  if (file !== undefined) {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('#'));
    const t = resolveTarget(line ?? '', file);
    return 'error' in t ? { error: `${file}: ${t.error}` } : t;
  }
  return resolveTarget(DEFAULT_TARGET, 'default') as FluentBitTarget;
}
