/**
 * The SQL of Fluent Bit's `sql` processor (plugins/processor_sql/parser: sql-parser.l, sql-parser.y):
 *
 *   SELECT key [AS alias] | * [, ...] FROM STREAM [name] [WHERE condition] ;
 *
 * Keywords and true/false are case-insensitive (the lexer is `caseless`); identifiers are `[_A-Za-z][A-Za-z0-9_.]*`;
 * strings are single-quoted (`''` is a quote); integers and decimals may start with `-`; true and
 * false are booleans. The grammar declares no precedence, so bison shifts: AND and OR bind to the
 * right with equal rank (`a AND b OR c` is `a AND (b OR c)`) and NOT takes the whole rest.
 */

export type SqlValue =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'null' };

export type SqlCompare = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

export type SqlExpression =
  | { readonly kind: 'value'; readonly value: SqlValue }
  | { readonly kind: 'key'; readonly name: string }
  | { readonly kind: 'compare'; readonly op: SqlCompare; readonly key: string; readonly value: SqlValue }
  | { readonly kind: 'not'; readonly operand: SqlExpression }
  | { readonly kind: 'paren'; readonly operand: SqlExpression }
  | { readonly kind: 'logic'; readonly op: 'and' | 'or'; readonly left: SqlExpression; readonly right: SqlExpression | undefined };

export interface SqlSelectKey {
  /** undefined: `*`. */
  readonly name: string | undefined;
  readonly alias: string | undefined;
}

export interface SqlQuery {
  readonly keys: readonly SqlSelectKey[];
  readonly where: SqlExpression | undefined;
}

type Token =
  | { readonly t: 'kw'; readonly v: string }
  | { readonly t: 'id'; readonly v: string }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'int' | 'float'; readonly v: number }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'sym'; readonly v: string };

const KEYWORDS = new Set(['SELECT', 'AS', 'FROM', 'STREAM', 'WHERE', 'AND', 'OR', 'NOT', 'IS', 'NULL']);

export class SqlSyntaxError extends Error {}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ws = /^[ \t\n]+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    // flex takes the longest match; of equal lengths, the earlier rule (keywords before identifiers).
    const word = /^[_A-Za-z][A-Za-z0-9_.]*/.exec(rest);
    const num = /^(-?[1-9][0-9]*|0)(\.[0-9]+)?/.exec(rest);
    if (word) {
      const w = word[0];
      const upper = w.toUpperCase();
      if (KEYWORDS.has(upper)) out.push({ t: 'kw', v: upper });
      else if (upper === 'TRUE' || upper === 'FALSE') out.push({ t: 'bool', v: upper === 'TRUE' });
      else out.push({ t: 'id', v: w });
      i += w.length;
      continue;
    }
    if (num) {
      // The parser keeps an integer in a C int and a decimal in a C float.
      if (num[2] !== undefined) out.push({ t: 'float', v: Math.fround(Number.parseFloat(num[0])) });
      else out.push({ t: 'int', v: Number.parseInt(num[0], 10) | 0 });
      i += num[0].length;
      continue;
    }
    const str = /^'((?:[^']|'')*)'/.exec(rest);
    if (str) {
      out.push({ t: 'str', v: str[1]!.replace(/''/g, "'") });
      i += str[0].length;
      continue;
    }
    const sym = /^(!=|<>|<=|>=|[*,=();<>])/.exec(rest);
    if (sym) {
      out.push({ t: 'sym', v: sym[0] === '<>' ? '!=' : sym[0] });
      i += sym[0].length;
      continue;
    }
    throw new SqlSyntaxError(`unexpected '${rest[0]}' at position ${i + 1}`);
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private is(t: Token['t'], v?: string): boolean {
    const tok = this.peek();
    return tok !== undefined && tok.t === t && (v === undefined || tok.v === v);
  }

  private expect(t: Token['t'], v: string | undefined, what: string): Token {
    if (!this.is(t, v)) throw new SqlSyntaxError(`expected ${what}${this.where()}`);
    return this.tokens[this.pos++]!;
  }

  private where(): string {
    const tok = this.peek();
    return tok === undefined ? ' at the end' : ` before '${String(tok.v)}'`;
  }

  query(): SqlQuery {
    this.expect('kw', 'SELECT', 'SELECT');
    const keys: SqlSelectKey[] = [this.selectKey()];
    while (this.is('sym', ',')) {
      this.pos++;
      keys.push(this.selectKey());
    }
    this.expect('kw', 'FROM', 'FROM STREAM');
    this.expect('kw', 'STREAM', 'STREAM after FROM');
    if (this.is('id')) this.pos++;
    let where: SqlExpression | undefined;
    if (this.is('kw', 'WHERE')) {
      this.pos++;
      where = this.condition();
    }
    this.expect('sym', ';', "';' at the end of the query");
    if (this.pos < this.tokens.length) throw new SqlSyntaxError(`unexpected text after ';'`);
    return { keys, where };
  }

  private selectKey(): SqlSelectKey {
    if (this.is('sym', '*')) {
      this.pos++;
      return { name: undefined, alias: undefined };
    }
    const name = this.expect('id', undefined, 'a key name or *').v as string;
    if (!this.is('kw', 'AS')) return { name, alias: undefined };
    this.pos++;
    return { name, alias: this.expect('id', undefined, 'an alias after AS').v as string };
  }

  private condition(): SqlExpression {
    let left: SqlExpression;
    if (this.is('kw', 'NOT')) {
      this.pos++;
      return { kind: 'not', operand: this.condition() };
    }
    if (this.is('sym', '(')) {
      this.pos++;
      const inner = this.condition();
      this.expect('sym', ')', "')'");
      left = { kind: 'paren', operand: inner };
    } else if (this.is('id')) {
      left = this.comparison();
    } else {
      left = { kind: 'logic', op: 'or', left: { kind: 'value', value: this.value() }, right: undefined };
    }
    if (this.is('kw', 'AND') || this.is('kw', 'OR')) {
      const op = this.tokens[this.pos++]!.v === 'AND' ? 'and' : 'or';
      return { kind: 'logic', op, left, right: this.condition() };
    }
    return left;
  }

  private comparison(): SqlExpression {
    const key = this.tokens[this.pos++]!.v as string;
    if (this.is('kw', 'IS')) {
      this.pos++;
      const negated = this.is('kw', 'NOT');
      if (negated) this.pos++;
      this.expect('kw', 'NULL', 'NULL after IS');
      const test: SqlExpression = { kind: 'compare', op: 'eq', key, value: { type: 'null' } };
      return negated ? { kind: 'not', operand: test } : test;
    }
    const tok = this.peek();
    if (tok?.t === 'sym' && ['=', '!=', '<', '<=', '>', '>='].includes(tok.v)) {
      this.pos++;
      const value = this.value();
      const ops: Record<string, SqlCompare> = { '=': 'eq', '!=': 'eq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
      const test: SqlExpression = { kind: 'compare', op: ops[tok.v]!, key, value };
      return tok.v === '!=' ? { kind: 'not', operand: test } : test;
    }
    // A key alone: bison reduces it as `condition: key` (a logical OR with nothing).
    return { kind: 'logic', op: 'or', left: { kind: 'key', name: key }, right: undefined };
  }

  private value(): SqlValue {
    const tok = this.peek();
    if (tok?.t === 'int') return (this.pos++, { type: 'int', value: tok.v });
    if (tok?.t === 'float') return (this.pos++, { type: 'float', value: tok.v });
    if (tok?.t === 'str') return (this.pos++, { type: 'string', value: tok.v });
    if (tok?.t === 'bool') return (this.pos++, { type: 'bool', value: tok.v });
    throw new SqlSyntaxError(`expected a value (number, 'string', true or false)${this.where()}`);
  }
}

export function parseSqlQuery(text: string): SqlQuery {
  return new Parser(tokenize(text)).query();
}
