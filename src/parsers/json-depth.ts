/**
 * How deep JSON text may nest and still parse into a record, and the walk that measures it. Kept
 * apart from the engine's bounded walks (engine/record-depth.ts) because plugin definitions check
 * templates with it at validation time, and `validate` loads no engine code.
 */

/**
 * Containers (objects, arrays) JSON text may nest and still be parsed into a record. Fluent Bit's
 * msgpack decoder has a stack of 64 (`MSGPACK_EMBED_STACK_SIZE` in cmake/msgpack.cmake): its JSON
 * parser packs deeper values but cannot unpack them, so the parse fails and the text is kept as it
 * is (tail's raw line, an unchanged `log` for Merge_Log and the parser filter).
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests containers more than `limit` levels (a scalar is level 0, `{}` level 1). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (nestsDeeperThan(v, limit - 1)) return true;
    return false;
  }
  for (const k in value) if (nestsDeeperThan((value as Record<string, unknown>)[k], limit - 1)) return true;
  return false;
}
