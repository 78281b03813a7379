/**
 * One release's view of the version data: which plugins exist, which keys a plugin, the core or a
 * section takes, and, for a key or plugin the release lacks, in which releases it exists (to say
 * "appeared in Fluent Bit 5.1" or "removed in 2.0").
 */
import type { CoreKind, FluentBitKind, KeyVariant, KeyVariants, VersionData } from './data.js';

/** A key as one release defines it. */
export interface KeyInfo {
  readonly key: string;
  /** Config map type (`str`, `bool`, `size`, `str_prefix`, ...). */
  readonly type: string;
  readonly defaultText: string | null;
  readonly multiple: boolean;
}

/** The keys of one plugin or section, as one release has them. */
export interface KeyTable {
  /** The key as written (case-insensitive; `str_prefix` keys match longer keys). */
  find(key: string): KeyInfo | undefined;
  /** Every key of the release, sorted. */
  readonly keys: readonly KeyInfo[];
  /** Bitmask of the releases where `key` exists (0: none). */
  releasesOf(key: string): number;
}

function bitOf(index: number): number {
  return 2 ** index;
}

function inMask(mask: number, index: number): boolean {
  return Math.floor(mask / bitOf(index)) % 2 === 1;
}

/** A table from several variant maps (a plugin's own keys, its kind's common keys...). */
export function keyTable(sources: readonly KeyVariants[], index: number): KeyTable {
  const keys = new Map<string, KeyInfo>();
  const prefixes: KeyInfo[] = [];
  for (const source of sources) {
    for (const [key, variants] of Object.entries(source)) {
      const v = variants.find((x) => inMask(x[0], index));
      if (!v || keys.has(key)) continue;
      const info: KeyInfo = { key, type: v[1], defaultText: v[2], multiple: v[3] === 1 };
      keys.set(key, info);
      if (v[1] === 'str_prefix') prefixes.push(info);
    }
  }
  const variantsOf = (key: string): KeyVariant[] => sources.flatMap((s) => [...(s[key] ?? []), ...prefixVariants(s, key)]);
  return {
    find(written) {
      const k = written.toLowerCase();
      return keys.get(k) ?? prefixes.find((p) => k.length > p.key.length && k.startsWith(p.key));
    },
    keys: [...keys.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
    releasesOf: (written) => variantsOf(written.toLowerCase()).reduce((mask, v) => mask | v[0], 0),
  };
}

/** Variants of the `str_prefix` keys `key` extends. */
function prefixVariants(source: KeyVariants, key: string): KeyVariant[] {
  return Object.entries(source).flatMap(([name, variants]) => (key.length > name.length && key.startsWith(name) ? variants.filter((v) => v[1] === 'str_prefix') : []));
}

/** The tables of one release. */
export class ReleaseTables {
  readonly version: string;
  /** Tables already built, by what they are of: each is built once per release. */
  private readonly built = new Map<string, KeyTable>();
  private memo(id: string, build: () => KeyTable): KeyTable {
    let table = this.built.get(id);
    if (!table) this.built.set(id, (table = build()));
    return table;
  }
  constructor(
    readonly data: VersionData,
    readonly index: number,
  ) {
    this.version = data.releases[index]!;
  }

  /** The plugin a name stands for in this release (an alias such as `elasticsearch` resolved). */
  canonical(kind: FluentBitKind, name: string): string {
    const lower = name.toLowerCase();
    const alias = this.data.aliases[kind][lower];
    return alias && inMask(alias.in, this.index) ? alias.name : lower;
  }

  /** Whether the release has the plugin (case-insensitive; aliases of the release resolved). */
  hasPlugin(kind: FluentBitKind, name: string): boolean {
    const p = this.data.plugins[kind][this.canonical(kind, name)];
    return p !== undefined && inMask(p.in, this.index);
  }

  /** Releases the plugin (or the alias) exists in (0: none). */
  pluginReleases(kind: FluentBitKind, name: string): number {
    const lower = name.toLowerCase();
    return this.data.plugins[kind][lower]?.in ?? this.data.aliases[kind][lower]?.in ?? 0;
  }

  /** Plugin names of the release, sorted. */
  pluginNames(kind: FluentBitKind): string[] {
    return Object.keys(this.data.plugins[kind]).filter((n) => this.hasPlugin(kind, n));
  }

  /** Whether Fluent Bit checks the plugin's keys in this release (it has a config map). */
  checksKeys(kind: FluentBitKind, name: string): boolean {
    const p = this.data.plugins[kind][this.canonical(kind, name)];
    return p !== undefined && inMask(p.mapped, this.index);
  }

  /** The plugin's own keys. */
  pluginKeys(kind: FluentBitKind, name: string): KeyTable {
    const canonical = this.canonical(kind, name);
    return this.memo(`${kind}:${canonical}`, () => {
      const p = this.data.plugins[kind][canonical];
      return keyTable(p ? [p.keys] : [], this.index);
    });
  }

  /** The keys the core takes for every plugin of the kind. */
  commonKeys(kind: CoreKind): KeyTable {
    return this.memo(`common:${kind}`, () => keyTable([this.data.common[kind]], this.index));
  }

  /** The `net.`/`oauth2.` family a key belongs to, if any, with that family's table. */
  prefixFamily(kind: CoreKind, key: string): { prefix: string; table: KeyTable } | undefined {
    const k = key.toLowerCase();
    const prefix = Object.keys(this.data.prefixes[kind]).find((p) => k.startsWith(p));
    return prefix === undefined ? undefined : { prefix, table: this.memo(`${kind}${prefix}`, () => keyTable([this.data.prefixes[kind][prefix]!], this.index)) };
  }

  section(name: 'service' | 'parser' | 'multiline_parser'): KeyTable {
    return this.memo(`section:${name}`, () => keyTable([this.data[name]], this.index));
  }

  /** Releases whose YAML reader knows a section name (0: none). */
  yamlReleases(section: string): number {
    return this.data.yaml[section] ?? 0;
  }

  hasYaml(section: string): boolean {
    return inMask(this.yamlReleases(section), this.index);
  }

  /**
   * Where something the release lacks exists, in words: "appeared in Fluent Bit 5.1", "was removed
   * in Fluent Bit 2.0 (last in 1.9)", or the list of lines ("exists in Fluent Bit 1.9 to 2.0 and 4.0").
   */
  describeReleases(mask: number): string {
    const lines = this.data.releases.map(lineOf);
    const present = lines.map((_, i) => inMask(mask, i));
    const firstIn = present.indexOf(true);
    const lastIn = present.lastIndexOf(true);
    if (firstIn > this.index && present.slice(firstIn).every(Boolean)) return `appeared in Fluent Bit ${lines[firstIn]}`;
    if (lastIn < this.index && present.slice(0, lastIn + 1).every(Boolean)) return `was removed in Fluent Bit ${lines[lastIn + 1]} (last in ${lines[lastIn]})`;
    return `exists in Fluent Bit ${ranges(present, lines)}`;
  }

  /** "Fluent Bit 4.2.8". */
  get label(): string {
    return `Fluent Bit ${this.version}`;
  }
}

/** "4.2" for "4.2.8". */
export function lineOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

function ranges(present: readonly boolean[], lines: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < present.length; i++) {
    if (!present[i]) continue;
    let j = i;
    while (j + 1 < present.length && present[j + 1]) j++;
    parts.push(i === j ? lines[i]! : `${lines[i]} to ${lines[j]}`);
    i = j;
  }
  return parts.length <= 1 ? (parts[0] ?? 'no release') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
