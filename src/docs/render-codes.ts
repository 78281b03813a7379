/**
 * The diagnostic codes as a reference (`logferry explain --codes`): docs/diagnostics.md is the
 * Markdown form, and each code's heading is the anchor its SARIF rule's helpUri points at.
 */
import { codeHelpMarkdown, codeHelpText, DIAGNOSTIC_CODES, type DiagnosticCode } from '../diagnostics/codes.js';

const CODES = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

export function codesMarkdown(): string {
  const out = [
    '# Diagnostic codes',
    '',
    '<!-- Generated from src/diagnostics/codes.ts by `logferry explain --codes --format markdown` (npm run docs); do not edit. -->',
    '',
    'Every problem `logferry validate` reports carries one of these codes (in text output as',
    '`error[code]`, in JSON as `code`, in SARIF as `ruleId`, in GitHub annotations in the title).',
    'Each section says what the code means, how to fix it, and shows a configuration that gets it',
    'and the same one fixed.',
    '',
    '| Code | Severity | Meaning |',
    '| --- | --- | --- |',
    ...CODES.map((c) => `| [\`${c}\`](#${c}) | ${DIAGNOSTIC_CODES[c].severity} | ${DIAGNOSTIC_CODES[c].doc.replace(/\|/g, '\\|')} |`),
  ];
  for (const c of CODES) out.push('', `## ${c}`, '', `Severity: ${DIAGNOSTIC_CODES[c].severity}.`, '', DIAGNOSTIC_CODES[c].doc, '', codeHelpMarkdown(c));
  return `${out.join('\n')}\n`;
}

export function codesText(): string {
  const indent = (s: string) => s.replace(/^(?=.)/gm, '  ');
  return CODES.map((c) => `${c} (${DIAGNOSTIC_CODES[c].severity})\n${indent(DIAGNOSTIC_CODES[c].doc)}\n\n${indent(codeHelpText(c))}\n`).join('\n');
}
