import type { ConfigFormat } from '../document/model.js';

/**
 * The format Fluent Bit reads a file in when it picks by name (`flb_cf_create_from_file`: the main
 * file and every Parsers_File): `.yaml`/`.yml` (any case) is YAML, anything else classic.
 * Included files are different: they are read in the format of the file that includes them.
 */
export function formatOfPath(path: string): ConfigFormat {
  return /\.ya?ml$/i.test(path) ? 'yaml' : 'classic';
}
