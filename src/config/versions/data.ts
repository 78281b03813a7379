/**
 * The option tables of every Fluent Bit release logferry targets, generated from Fluent Bit's
 * source by scripts/fluent-bit-versions.mjs into fluent-bit-options.json (next to this module).
 * Read lazily, once: only `validate` with a target, `explain --fluent-bit-version` and `schema
 * --fluent-bit-version` need it.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The plugin kinds Fluent Bit registers (processors and customs included). */
export type FluentBitKind = 'input' | 'filter' | 'output' | 'processor' | 'custom';
/** The kinds whose plugins the version data lists. */
export const FLUENT_BIT_KINDS: readonly FluentBitKind[] = ['input', 'filter', 'output', 'processor', 'custom'];

/** Kinds with common keys handled by Fluent Bit's core before the plugin's own table. */
export type CoreKind = 'input' | 'filter' | 'output';

/**
 * One shape a key has in some releases: the releases as a bitmask (bit i is `releases[i]`), the
 * config map type (`str`, `bool`, `int`, `size`, `time`, `clist`, `slist_1`, `str_prefix`, ...),
 * the default as Fluent Bit writes it, and 1 when the key may repeat (FLB_CONFIG_MAP_MULT).
 */
export type KeyVariant = readonly [releases: number, type: string, defaultText: string | null, multiple: 0 | 1];
/** Keys (lowercase) and their variants. */
export type KeyVariants = Readonly<Record<string, readonly KeyVariant[]>>;

export interface PluginData {
  /** Releases the plugin exists in. */
  readonly in: number;
  /** Releases in which it has a config map (Fluent Bit checks its keys only then). */
  readonly mapped: number;
  /** Releases in which it is a network plugin (flags FLB_*_NET or TLS). */
  readonly net: number;
  readonly keys: KeyVariants;
}

export interface VersionData {
  /** Release versions, oldest first ("1.9.10"); bit i of a mask is `releases[i]`. */
  readonly releases: readonly string[];
  readonly plugins: Readonly<Record<FluentBitKind, Readonly<Record<string, PluginData>>>>;
  /** Keys Fluent Bit's core takes for every plugin of a kind (tag, match, alias, tls.*, ...). */
  readonly common: Readonly<Record<CoreKind, KeyVariants>>;
  /** Key families checked against a core table: `net.` (upstream/downstream), `oauth2.`. */
  readonly prefixes: Readonly<Record<CoreKind, Readonly<Record<string, KeyVariants>>>>;
  readonly service: KeyVariants;
  readonly parser: KeyVariants;
  readonly multiline_parser: KeyVariants;
  /** Other names of plugins (src/flb_plugin_alias.c): alias -> the plugin's name and releases. */
  readonly aliases: Readonly<Record<FluentBitKind, Readonly<Record<string, { readonly name: string; readonly in: number }>>>>;
  /** YAML section names the YAML reader knows, and their releases. */
  readonly yaml: Readonly<Record<string, number>>;
  /** What the generator could not read. */
  readonly notes: readonly string[];
}

const FILE = 'fluent-bit-options.json';

let cached: VersionData | undefined;

/**
 * The data, read on first use. The file sits next to this module in the source tree and in
 * dist/config/versions; the bundled CLI (dist/bundle, one level below dist) finds it there too.
 */
export function versionData(): VersionData {
  if (cached) return cached;
  const candidates = [new URL(`./${FILE}`, import.meta.url), new URL(`../config/versions/${FILE}`, import.meta.url)];
  const found = candidates.find((u) => existsSync(u));
  if (!found) throw new Error(`logferry's Fluent Bit version tables (${FILE}) are missing from the installation`);
  cached = JSON.parse(readFileSync(found, 'utf8')) as VersionData;
  return cached;
}
