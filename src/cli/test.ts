import { relative, resolve } from 'node:path';
import { formatMismatch } from '../config-test/compare.js';
import { runTestFile } from '../config-test/run.js';
import { readTestFile, TestFileError } from '../config-test/spec.js';
import { formatText } from '../diagnostics/format-text.js';
import { commandLine, EXIT, usageError, type CommandIo } from './io.js';

export const TEST_USAGE = `usage: logferry test [--verbose] <test.yaml>...

Runs configuration tests: each file names a Fluent Bit configuration, the input lines (read by
its tail input, with the given tag) or records (pushed after an input) of each case, and the
records each output must receive (exact, or partial: only the keys written). The real engine runs
the configuration's parsers, multiline and filters; outputs are captured instead of sending; the
kubernetes filter asks a local API server holding the file's pod JSON. See README "Test a configuration".

options:
  --verbose   also print the agent's warnings of passing cases
exit status: 0 every case passed, 1 a case failed or a configuration has errors, 2 usage or an unreadable test file`;

export async function testCommand(args: string[], io: CommandIo): Promise<number> {
  const parsed = commandLine('test', TEST_USAGE, io, { args, allowPositionals: true, options: { verbose: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length === 0) {
    return usageError('test', TEST_USAGE, io, 'give at least one test file');
  }
  let passed = 0;
  let failed = 0;
  for (const arg of parsed.positionals) {
    const path = resolve(io.cwd, arg);
    const shown = relative(io.cwd, path) || path;
    let file;
    try {
      file = readTestFile(path, shown);
    } catch (err) {
      io.stderr(`logferry test: ${err instanceof TestFileError ? err.message : `${arg}: ${(err as Error).message}`}\n`);
      return EXIT.usage;
    }
    const result = await runTestFile(file);
    if (!result.validation.ok) {
      io.stdout(`FAIL ${shown}: the configuration ${relative(io.cwd, file.config)} has errors\n`);
      io.stdout(formatText(result.validation.diagnostics, result.validation.sources, result.validation.files.length));
      failed += file.tests.length;
      continue;
    }
    for (const c of result.cases) {
      if (c.passed) passed++;
      else failed++;
      io.stdout(`${c.passed ? 'PASS' : 'FAIL'} ${shown} > ${c.name}\n`);
      for (const m of c.mismatches) io.stdout(`${formatMismatch(m)}\n`);
      if (!c.passed || parsed.values.verbose) for (const p of c.problems) io.stdout(`  ${p}\n`);
    }
  }
  io.stdout(`\n${passed} passed, ${failed} failed\n`);
  return failed === 0 ? EXIT.ok : EXIT.problems;
}
