/**
 * Fluent Bit's built-in multiline parsers as data (`src/multiline/flb_ml_parser_{docker,cri,go,
 * python,java,ruby}.c`, 4.2.8). All flush after 4000 ms. go, python, java and ruby work on the raw
 * line (no `key_content`), so their records are `{"log": text}` and end with a newline.
 */
import { DEFAULT_FLUSH_TIMEOUT_MS } from '../../config/sections/multiline-parser.js';
import { compileRegex, type CompiledRegex } from '../regex.js';
import { CriLineParser, createDockerLineParser } from './container-parsers.js';
import type { MultilineRuleSpec, MultilineSpec } from './spec.js';

type RuleRow = readonly [from: string, regex: string, next: string];

function regex(source: string): CompiledRegex {
  const r = compileRegex(source);
  if (!r.ok) throw new Error(`built-in multiline regex ${source} does not compile: ${r.message}`);
  return r.regex;
}

function rules(rows: readonly RuleRow[]): MultilineRuleSpec[] {
  return rows.map(([from, source, next]) => ({
    from: from.split(',').map((s) => s.trim()),
    regex: regex(source),
    next,
  }));
}

/** A built-in spec: raw text, regex type and no keys unless `fields` says otherwise; 4000 ms flush. */
function builtin(name: string, fields: Partial<MultilineSpec>): MultilineSpec {
  return {
    name,
    type: 'regex',
    matchString: undefined,
    negate: false,
    keyContent: undefined,
    keyPattern: undefined,
    keyGroup: undefined,
    flushMs: DEFAULT_FLUSH_TIMEOUT_MS,
    parser: undefined,
    rules: [],
    ...fields,
  };
}

const GO: readonly RuleRow[] = [
  ['start_state', '/\\bpanic: /', 'go_after_panic'],
  ['start_state', '/http: panic serving/', 'go_goroutine'],
  ['go_after_panic', '/^$/', 'go_goroutine'],
  ['go_after_panic, go_after_signal, go_frame_1', '/^$/', 'go_goroutine'],
  ['go_after_panic', '/^\\[signal /', 'go_after_signal'],
  ['go_goroutine', '/^goroutine \\d+ \\[[^\\]]+\\]:$/', 'go_frame_1'],
  ['go_frame_1', '/^(?:[^\\s.:]+\\.)*[^\\s.():]+\\(|^created by /', 'go_frame_2'],
  ['go_frame_2', '/^\\s/', 'go_frame_1'],
];

const PYTHON: readonly RuleRow[] = [
  ['start_state', '/^Traceback \\(most recent call last\\):$/', 'python'],
  ['python', '/^[\\t ]+File /', 'python_code'],
  ['python_code', '/[^\\t ]/', 'python'],
  ['python', '/^(?:[^\\s.():]+\\.)*[^\\s.():]+:/', 'start_state'],
];

const JAVA: readonly RuleRow[] = [
  ['start_state, java_start_exception', '/(.)(?:Exception|Error|Throwable|V8 errors stack trace)[:\\r\\n]/', 'java_after_exception'],
  ['java_after_exception', '/^[\\t ]*nested exception is:[\\t ]*/', 'java_start_exception'],
  ['java_after_exception', '/^[\\r\\n]*$/', 'java_after_exception'],
  ['java_after_exception, java', '/^[\\t ]+(?:eval )?at /', 'java'],
  ['java_after_exception, java', '/^[\\t ]+--- End of inner exception stack trace ---$/', 'java'],
  ['java_after_exception, java', '/^--- End of stack trace from previous (?x:)location where exception was thrown ---$/', 'java'],
  ['java_after_exception, java', '/^[\\t ]*(?:Caused by|Suppressed):/', 'java_after_exception'],
  ['java_after_exception, java', '/^[\\t ]*... \\d+ (?:more|common frames omitted)/', 'java'],
];

const RUBY: readonly RuleRow[] = [
  ['start_state, ruby_start_exception', '/^.+:\\d+:in\\s+.*/', 'ruby_after_exception'],
  ['ruby_after_exception, ruby', '/^\\s+from\\s+.*:\\d+:in\\s+.*/', 'ruby'],
];

const FACTORIES: Readonly<Record<string, () => MultilineSpec>> = {
  docker: () => builtin('docker', { type: 'endswith', matchString: '\n', keyContent: 'log', keyGroup: 'stream', parser: createDockerLineParser() }),
  cri: () => builtin('cri', { type: 'equal', matchString: 'F', keyContent: 'log', keyPattern: '_p', keyGroup: 'stream', parser: new CriLineParser() }),
  go: () => builtin('go', { rules: rules(GO) }),
  python: () => builtin('python', { rules: rules(PYTHON) }),
  java: () => builtin('java', { rules: rules(JAVA) }),
  ruby: () => builtin('ruby', { rules: rules(RUBY) }),
};

/** A fresh spec of a built-in multiline parser (lowercase name), or undefined. */
export function builtinSpec(name: string): MultilineSpec | undefined {
  return FACTORIES[name]?.();
}
