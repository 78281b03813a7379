import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/validate.js';

function check(text: string) {
  const result = validateConfig(`${process.cwd()}/routes.yaml`, { text, env: { HOSTNAME: 'h' } });
  return { result, found: result.diagnostics.map((d) => [d.code, d.severity, d.message] as const) };
}

const routed = (outputs: string, extraRoute = '') => `
pipeline:
  inputs:
    - name: dummy
      routes:
        logs:
          - name: errors
            condition:
              rules:
                - field: $level
                  op: eq
                  value: error
            to:
              outputs: ${outputs}
          - name: rest
            condition:
              default: true
            to:
              outputs: [stdout.0]${extraRoute}
  outputs:
    - name: stdout
    - name: file
      alias: archive
`;

describe('conditional routes in validate', () => {
  it('accepts routes to outputs by alias, instance name or plugin name; their outputs need no Match', () => {
    for (const outputs of ['[archive]', '[file.1]', '[file]']) {
      const { result, found } = check(routed(outputs.replace('file.1', 'file.0')));
      expect(found).toEqual([]);
      expect(result.plan.inputs[0]!.routes!.map((r) => [r.name, r.outputs])).toEqual([
        ['errors', ['file.0']],
        ['rest', ['stdout.0']],
      ]);
    }
  });

  it('a route to an output the configuration does not have is an error', () => {
    const { found } = check(routed('[archives]'));
    expect(found).toEqual([
      ['unknown-output', 'error', "route 'errors' of input 'dummy.0' goes to output 'archives', which the configuration does not have"],
      // No route reaches 'archive' now, and it has no Match.
      ['no-match', 'warning', "output 'archive' has no Match or Match_Regex; Fluent Bit sends it nothing"],
    ]);
  });

  it('an output an earlier route of the input took is not connected again (Fluent Bit connects it once)', () => {
    const { found } = check(routed('[stdout]').replace('[stdout.0]', '[stdout.0, archive]'));
    expect(found.map(([code, severity]) => [code, severity])).toEqual([['unmatched-route', 'warning']]);
  });

  it('reports what Fluent Bit refuses: a route without to, twice the same name, a bad condition', () => {
    const errors = (text: string) => check(text).found.filter(([, severity]) => severity === 'error').map(([, , m]) => m);
    expect(errors(routed('[archive]').replace(/            to:\n              outputs: \[archive\]\n/, ''))).toEqual(["routes: route 'errors' needs 'to: {outputs: [...]}'"]);
    expect(errors(routed('[archive]').replace('name: rest', 'name: errors'))).toEqual(["routes: route name 'errors' is used twice in this input"]);
    expect(errors(routed('[archive]').replace('op: eq', 'op: equals'))).toEqual(["route 'errors': route condition: rule 1: invalid operator 'equals'"]);
  });

  it("warns about an input without routes whose tag no output matches, not about one whose tag comes from its sender", () => {
    const text = `
pipeline:
  inputs:
    - name: dummy
      tag: lost
    - name: forward
    - name: http
  outputs:
    - name: stdout
      match: kept
`;
    const { found } = check(text);
    expect(found.filter(([code]) => code === 'unrouted-input').map(([, , m]) => m)).toEqual(["no output matches the records of input 'dummy.0' (tag 'lost'); they are dropped"]);
    expect(found.filter(([code]) => code === 'unmatched-route')).toEqual([]);
  });
});

describe('real configurations Fluent Bit starts', () => {
  it('an empty plugins list is not warned about; a missing Parsers_File and an undefined tail Parser are warnings saying what Fluent Bit does', () => {
    const { found } = check(`
plugins: []
service:
  parsers_file: /nonexistent/parsers.yaml
pipeline:
  inputs:
    - name: tail
      path: /var/log/app.log
      parser: nope
  outputs:
    - name: stdout
      match: '*'
`);
    expect(found).toEqual([
      ['include-not-found', 'warning', 'parsers_file /nonexistent/parsers.yaml: file not found; Fluent Bit logs an error and starts without the parsers it would define'],
      ['unknown-parser', 'warning', "parser 'nope' is not defined; Fluent Bit logs an error and starts anyway, reading the lines unparsed (each whole line under Key)"],
    ]);
  });

  it('a parser a plugin needs at start stays an error (parser filter, multiline.parser)', () => {
    const { found } = check(`
pipeline:
  inputs:
    - name: tail
      path: /var/log/app.log
      multiline.parser: nope
  filters:
    - name: parser
      match: '*'
      key_name: log
      parser: nope
  outputs:
    - name: stdout
      match: '*'
`);
    expect(found.map(([code, severity]) => [code, severity])).toEqual([
      ['unknown-parser', 'error'],
      ['unknown-parser', 'error'],
    ]);
  });
});

describe('processor conditions in validate', () => {
  it("a processor's condition is the core's map: a plain value is refused (Fluent Bit: 'condition must be a map'); on a filter processor a map is ignored", () => {
    const conf = (condition: string) => `
pipeline:
  inputs:
    - name: dummy
      processors:
        logs:
          - name: modify
            add: b c
            condition: ${condition}
  outputs:
    - name: stdout
      match: '*'
`;
    expect(check(conf('key_exists a')).found.map(([code, severity]) => [code, severity])).toEqual([['invalid-value', 'error']]);
    expect(check(conf('{rules: [{field: $a, op: eq, value: b}]}')).found.map(([code, severity]) => [code, severity])).toEqual([['unsupported-key', 'warning']]);
  });
});
