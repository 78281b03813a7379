/** Delimiter words Fluent Bit recognises; any other value is ignored (the format's own delimiter stays). */
export const DELIMITERS: Readonly<Record<string, string>> = { '\\t': '\t', tab: '\t', space: ' ', comma: ',' };
