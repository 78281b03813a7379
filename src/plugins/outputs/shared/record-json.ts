/**
 * Records as the AWS outputs send them: JSON with the keys in record order (as the stdout and file
 * outputs write them, src/engine/format/json.ts). Integers held as bigint are written as numbers.
 */

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** A value as JSON text. */
export function recordJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    // A bigint somewhere (JSON.stringify refuses them), or a cycle (which a record never has).
    return JSON.stringify(value, bigintAsNumber) ?? 'null';
  }
}

/** A log_key value: a string as it is, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : recordJson(value);
}
