export { createParser } from './create-parser.js';
export type { ParseResult, RecordParser } from './types.js';
