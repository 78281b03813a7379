import { LogferryError } from '../errors.js';

/**
 * An error reply of the local AWS endpoint: `type` is the AWS error name the SDK turns into its
 * exception class (`ThrottlingException`, `ResourceNotFoundException`, ...).
 */
export class AwsServiceError extends LogferryError {
  override readonly name = 'AwsServiceError' as const;
  override readonly code = 'LOGFERRY_AWS_LOCAL' as const;

  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A JSON 1.1 request body: the operation's input members. */
export type Input = Record<string, unknown>;

/** AWS's wording for a member that breaks its model constraints. */
export function validationError(member: string, value: unknown, constraint: string, type = 'ValidationException'): AwsServiceError {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return new AwsServiceError(type, `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** A required or optional string member, with AWS's length and pattern constraints. */
export function stringMember(input: Input, member: string, opts: { required: true; min?: number; max?: number; pattern?: RegExp }): string;
export function stringMember(input: Input, member: string, opts?: { required?: false; min?: number; max?: number; pattern?: RegExp }): string | undefined;
export function stringMember(input: Input, member: string, opts: { required?: boolean; min?: number; max?: number; pattern?: RegExp } = {}): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) {
    if (opts.required) throw validationError(member, value, 'Member must not be null');
    return undefined;
  }
  if (typeof value !== 'string') throw new AwsServiceError('SerializationException', `${member}: expected a string`);
  if (opts.min !== undefined && value.length < opts.min) throw validationError(member, value, `Member must have length greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && value.length > opts.max) throw validationError(member, value, `Member must have length less than or equal to ${opts.max}`);
  if (opts.pattern && !opts.pattern.test(value)) throw validationError(member, value, `Member must satisfy regular expression pattern: ${opts.pattern.source.replace(/^\^|\$$/g, '')}`);
  return value;
}

/** An optional integer member within `min..max`. */
export function intMember(input: Input, member: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new AwsServiceError('SerializationException', `${member}: expected an integer`);
  if (value < min) throw validationError(member, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(member, value, `Member must have value less than or equal to ${max}`);
  return value;
}

/** An optional boolean member. */
export function boolMember(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new AwsServiceError('SerializationException', `${member}: expected a boolean`);
  return value;
}

/** A required list member (each item checked by the caller). */
export function listMember(input: Input, member: string, required: boolean): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) {
    if (required) throw validationError(member, value, 'Member must not be null');
    return undefined;
  }
  if (!Array.isArray(value)) throw new AwsServiceError('SerializationException', `${member}: expected a list`);
  return value;
}

/** An item of a list member that must be a structure. */
export function structure(value: unknown, member: string): Input {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AwsServiceError('SerializationException', `${member}: expected a structure`);
  return value as Input;
}

/**
 * One page of `items` for list operations: `nextToken` is an opaque offset into the (stable)
 * ordering; a token that is not one of ours is InvalidParameterException.
 */
export function page<T>(items: readonly T[], limit: number, nextToken: string | undefined): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = Buffer.from(nextToken, 'base64url').toString('utf8');
    const m = /^offset:(\d+)$/.exec(decoded);
    if (!m) throw new AwsServiceError('InvalidParameterException', 'The specified nextToken is invalid.');
    start = Number(m[1]);
  }
  const end = start + limit;
  const out: { items: T[]; nextToken?: string } = { items: items.slice(start, end) };
  if (end < items.length) out.nextToken = Buffer.from(`offset:${end}`).toString('base64url');
  return out;
}

/** A name as a file or folder name: URL-encoded, with a leading dot encoded so `.` and `..` stay names. */
export function encodeName(name: string): string {
  return encodeURIComponent(name).replace(/^\./, '%2E');
}

export function decodeName(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** Orders names as AWS lists them (by UTF-16 code units, not locale). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The account every local resource belongs to. */
export const ACCOUNT_ID = '000000000000';
