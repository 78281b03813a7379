import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDiagnostic } from '../../src/diagnostics/diagnostic.js';
import { escapeData, escapeProperty, formatGithub, githubCommand } from '../../src/diagnostics/format-github.js';
import { GOLDEN_ENV, REPO_ROOT, runCli } from '../support/cli.js';

/** What the Actions runner does to a command's message and property values (its unescaping). */
function unescape(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

describe('validate --format github', () => {
  it('prints a workflow command per diagnostic with file, position, title and the hint, then the summary', async () => {
    const run = await runCli(['validate', '--format', 'github', 'fixtures/configs/invalid/unknown-key-typo.conf', 'fixtures/fargate/invalid/configmap-not-checked.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      "::error file=fixtures/configs/invalid/unknown-key-typo.conf,line=4,col=5,endLine=4,endColumn=17,title=logferry unknown-key::unknown key 'Mem_Buf_Limt' in [INPUT] tail%0Ahelp: did you mean 'Mem_Buf_Limit'?",
    );
    expect(lines[1]).toMatch(/^::notice file=fixtures\/fargate\/invalid\/configmap-not-checked\.yaml,line=\d+,col=\d+,.*title=logferry configmap-not-checked::/);
    expect(lines.slice(2)).toEqual(['failed: 1 error, 0 warnings in 2 files', '']);
  });

  it('writes paths relative to GITHUB_WORKSPACE, and warnings as ::warning', async () => {
    const run = await runCli(['validate', '--format', 'github', 'fixtures/configs/invalid/no-match-output.conf'], { ...GOLDEN_ENV, GITHUB_WORKSPACE: join(REPO_ROOT, 'fixtures') });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::warning file=configs\/invalid\/no-match-output\.conf,line=1,col=1,endLine=1,endColumn=8,title=logferry unrouted-input::/);
  });

  it('reports an unreadable input as an ::error command (exit 2)', async () => {
    const run = await runCli(['validate', '--format', 'github', 'no/such.conf']);
    expect(run.code).toBe(2);
    expect(run.stdout.split('\n')[0]).toBe("::error file=no/such.conf,line=1,col=1,title=logferry unreadable-file::cannot read 'no/such.conf': no such file");
  });

  it('escapes as the Actions toolkit does: the runner gets back every message and property exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('%', '\r', '\n', ':', ',', 'a', '0', 'A', 'D', '2', '5', ' ') }), (text) => {
        expect(unescape(escapeProperty(text))).toBe(text);
        expect(escapeProperty(text)).not.toMatch(/[\r\n:,]/);
        expect(escapeData(text)).not.toMatch(/[\r\n]/);
        expect(unescape(escapeData(text))).toBe(text);
      }),
    );
    const d = makeDiagnostic({ code: 'invalid-value', message: '50% off:\r\nnext, line', file: 'a,b:c.conf' });
    expect(githubCommand(d, { cwd: '/repo' })).toBe('::error file=a%2Cb%3Ac.conf,line=1,col=1,title=logferry invalid-value::50%25 off:%0D%0Anext, line');
  });

  it('keeps a file outside the workspace absolute and omits a column range over several lines', () => {
    const d = makeDiagnostic({
      code: 'syntax-error',
      message: 'm',
      span: { file: '/etc/fb.conf', start: { line: 2, column: 3, offset: 0 }, end: { line: 4, column: 1, offset: 9 } },
    });
    expect(githubCommand(d, { cwd: '/repo', workspace: '/repo' })).toBe('::error file=/etc/fb.conf,line=2,col=3,endLine=4,title=logferry syntax-error::m');
  });

  it('lists unreadable inputs before the diagnostics of the files that could be read', () => {
    const d = makeDiagnostic({ code: 'no-output', message: 'no output', file: 'a.conf' });
    expect(formatGithub([d], 1, { cwd: '/repo', unreadable: [{ file: 'b,%.conf', reason: 'not a file' }] }).split('\n')).toEqual([
      "::error title=logferry::cannot read 'b,%25.conf': not a file",
      '::warning file=a.conf,line=1,col=1,title=logferry no-output::no output',
      'ok: 0 errors, 1 warning in 1 file',
      '',
    ]);
  });
});
