/** Which input plugins' records cloudwatch_logs sends as EMF (cheap to import: used at validation). */
export type EmfKind = 'cpu' | 'mem';

/**
 * Whether a chunk's records become EMF: Fluent Bit compares the first three characters of the
 * input plugin's name with `cpu` and `mem` (strncmp in process_log_events), whatever
 * metric_namespace says. log_key, when set, wins over EMF.
 */
export function emfKind(inputPlugin: string | undefined): EmfKind | undefined {
  if (inputPlugin === undefined) return undefined;
  if (inputPlugin.startsWith('cpu')) return 'cpu';
  if (inputPlugin.startsWith('mem')) return 'mem';
  return undefined;
}
