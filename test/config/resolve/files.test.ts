import { describe, expect, it } from 'vitest';
import { memoryFiles } from '../../../src/config/resolve/files.js';
import { loadConfig } from '../../../src/config/resolve/load.js';

describe('memoryFiles: a ConfigMap\'s data keys as the files of one directory', () => {
  const fs = memoryFiles(
    new Map([
      ['/etc/fb/fluent-bit.conf', '@INCLUDE in-*.conf\n@INCLUDE /etc/fb/out.conf\n'],
      ['/etc/fb/in-a.conf', '[INPUT]\n    Name dummy\n    Tag  a\n'],
      ['/etc/fb/in-b.conf', '@INCLUDE fluent-bit.conf\n'],
      ['/etc/fb/out.conf', '[OUTPUT]\n    Name  stdout\n    Match *\n'],
      ['/etc/fb/in[1].conf', ''],
    ]),
  );

  it('stats files and their directories, reads files, and nothing else exists', () => {
    expect(fs.stat('/etc/fb/in-a.conf')).toEqual({ id: '/etc/fb/in-a.conf', directory: false });
    expect(fs.stat('/etc/fb')?.directory).toBe(true);
    expect(fs.stat('/etc')?.directory).toBe(true);
    expect(fs.stat('/etc/fb/missing.conf')).toBeUndefined();
    expect(fs.read('/etc/fb/out.conf')).toContain('stdout');
    expect(() => fs.read('/etc/fb/missing.conf')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('globs like glob(3): * and ? within a segment, classes, literal regex characters', () => {
    expect(fs.glob('/etc/fb', 'in-*.conf')).toEqual(['/etc/fb/in-a.conf', '/etc/fb/in-b.conf']);
    expect(fs.glob('/etc/fb', 'in-?.conf')).toEqual(['/etc/fb/in-a.conf', '/etc/fb/in-b.conf']);
    expect(fs.glob('/etc/fb', 'in-[!b].conf')).toEqual(['/etc/fb/in-a.conf']);
    expect(fs.glob('/etc', '*.conf')).toEqual([]);
    expect(fs.glob('/', '/etc/fb/*.conf')).toHaveLength(5);
    expect(fs.glob('/etc/fb', 'in.*')).toEqual([]);
  });

  it('lets loadConfig resolve includes, globs and loops from memory', () => {
    const loaded = loadConfig('/etc/fb/fluent-bit.conf', { cwd: '/etc/fb', files: fs, env: {} });
    expect(loaded.files).toEqual(['fluent-bit.conf', 'in-a.conf', 'in-b.conf', 'out.conf']);
    expect(loaded.sections.map((s) => s.kind)).toEqual(['input', 'output']);
    expect(loaded.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      ['include-loop', 'in-b.conf', "'fluent-bit.conf' includes itself (through fluent-bit.conf -> in-b.conf -> fluent-bit.conf)"],
    ]);
  });
});
