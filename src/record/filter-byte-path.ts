/**
 * What a filter does to a record, declared so that an input writing its records as bytes can do
 * it on the bytes (FilterRuntime.bytePath in engine/plugin.ts). In record/ because the encoders
 * that do it are here.
 */

/** The filter work an input may do on the bytes of its records (FilterRuntime.bytePath). */
export type FilterBytePath = JsonFieldMerge;

/**
 * The parser filter with one `json` parser: the string field `key`, when it holds one JSON object,
 * is replaced by that object's members, in their order, followed (`reserveData`) by the record's
 * other fields in their order (the record alone otherwise), the event time unchanged. Only when the
 * object's text is what JSON.stringify writes of it: any other text, and an object with one of
 * `objectPathKeys` at its top level (the parser's time key), is the filter's own to do (`filter`).
 */
export interface JsonFieldMerge {
  readonly kind: 'json-field';
  /** The record's field holding the JSON text (a plain key). */
  readonly key: string;
  readonly reserveData: boolean;
  /** Top-level keys of the parsed object that leave the record to `filter`. */
  readonly objectPathKeys: readonly string[];
  /** Containers the object may nest (parsers/json-depth.ts): deeper text is left to `filter`. */
  readonly maxDepth: number;
}
