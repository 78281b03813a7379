/**
 * A ConfigMap that ships a whole Fluent Bit configuration (as AWS's Container Insights DaemonSet
 * does): its data keys are the files of the directory the ConfigMap is mounted at, so
 * `@INCLUDE application-log.conf` and `Parsers_File parsers.conf` name other keys. The main key is
 * read like a file given to `logferry validate`, from memory, and every position is mapped back
 * into the manifest.
 */
import type { FluentBitTarget } from '../versions/target.js';
import { posix } from 'node:path';
import { sortDiagnostics, type Diagnostic, type Span } from '../../diagnostics/diagnostic.js';
import type { Entry, Section } from '../document/model.js';
import type { Plan } from '../plan/types.js';
import { withHostname } from '../resolve/env.js';
import { memoryFiles } from '../resolve/files.js';
import { loadConfig, type LoadedConfig } from '../resolve/load.js';
import { validateLoaded } from '../validate.js';
import { relineHint } from './check.js';
import type { ConfigMapDocument, Manifest } from './manifest.js';
import { mapDiagnostic, mapSpan, type PositionMap } from './position-map.js';

/**
 * Where the data keys are taken to be mounted: Fluent Bit's images read /fluent-bit/etc/, and AWS's
 * DaemonSet mounts its ConfigMap there. Absolute paths into it resolve to data keys; any other file
 * (one from the image, or another volume) cannot be seen and is reported missing.
 */
export const CONFIGMAP_MOUNT = '/fluent-bit/etc';

/** Data keys taken as the main configuration when `--main` names none. */
export const MAIN_KEYS = ['fluent-bit.conf', 'fluent-bit.yaml', 'fluent-bit.yml'] as const;

/** The data key that holds the main configuration, if any. */
export function mainKeyOf(cm: ConfigMapDocument, main: string | undefined): string | undefined {
  const keys = cm.data.filter((e) => e.value !== undefined).map((e) => e.key);
  return main !== undefined ? (keys.includes(main) ? main : undefined) : MAIN_KEYS.find((k) => keys.includes(k));
}

export interface ConfigMapConfigCheck {
  readonly plan: Plan;
  readonly diagnostics: Diagnostic[];
}

/** Validates the configuration of a ConfigMap whose data key `mainKey` is a Fluent Bit main file. */
export function checkConfigMapConfig(
  manifest: Manifest,
  cm: ConfigMapDocument,
  mainKey: string,
  env: Readonly<Record<string, string | undefined>>,
  target?: FluentBitTarget,
): ConfigMapConfigCheck {
  const texts = new Map<string, string>();
  const maps = new Map<string, PositionMap>();
  for (const entry of cm.data) {
    // A key with a '/' is not a file name (Kubernetes refuses it); it cannot be included.
    if (entry.value === undefined || entry.key.includes('/')) continue;
    texts.set(posix.join(CONFIGMAP_MOUNT, entry.key), entry.value);
    maps.set(entry.key, entry.map);
  }
  // Files are named by their data key (the working directory is the mount), then moved into the manifest.
  const loaded = loadConfig(posix.join(CONFIGMAP_MOUNT, mainKey), { env: withHostname(env), cwd: CONFIGMAP_MOUNT, files: memoryFiles(texts) });
  const span = (s: Span): Span => {
    const map = maps.get(s.file);
    return map ? { ...mapSpan(map, s), file: manifest.file } : s;
  };
  const entry = (e: Entry): Entry => ({ ...e, span: span(e.span), keySpan: span(e.keySpan), valueSpan: span(e.valueSpan), ...(e.listSpan ? { listSpan: span(e.listSpan) } : {}) });
  const section = (s: Section): Section => ({
    ...s,
    span: span(s.span),
    entries: s.entries.map(entry),
    ...(s.children ? { children: s.children.map(section) } : {}),
  });
  const inManifest: LoadedConfig = {
    ...loaded,
    main: manifest.file,
    files: [manifest.file],
    sources: new Map([[manifest.file, manifest.text]]),
    sections: loaded.sections.map(section),
    variables: loaded.variables.map((v) => ({ ...v, span: span(v.span) })),
    loadExtra: (path, at, what) => loaded.loadExtra(path, at, what)?.map(section),
  };
  const checked = validateLoaded(inManifest, target);
  const keys = [...maps.keys()].join(', ');
  const diagnostics = checked.diagnostics.map((d) => {
    const map = maps.get(d.file);
    const moved = map ? { ...relineHint(mapDiagnostic(map, d), map), file: manifest.file } : d;
    return moved.code === 'include-not-found'
      ? { ...moved, hint: `the files are the ConfigMap's data keys (${keys}), mounted at ${CONFIGMAP_MOUNT}/; a file of the image or of another volume cannot be checked here` }
      : moved;
  });
  return { plan: checked.plan, diagnostics: sortDiagnostics(diagnostics, [manifest.file]) };
}
