import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '../../support/loaded-modules.js';

describe('the monitoring server at start', () => {
  it('a guarded server listening loads neither undici, http2 nor tls', () => {
    const script =
      "const { createGuardedServer } = await import('./src/engine/monitor/connections.ts');" +
      "const s = createGuardedServer({}, (_req, res) => res.end(), () => {});" +
      "await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve)); s.close();";
    expect(modulesLoadedBy(script, /undici|http2|\btls\b/)).toEqual([]);
  });

  describe('node:http is loaded only for HTTP_Server On', () => {
    const dir = mkdtempSync(join(tmpdir(), 'startup-http-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'in.log'), 'one\ntwo\n');
    /** The agent run to the end of a file (the real CLI in process), then Node's http modules loaded. */
    const httpLoadedBy = (server: string) => {
      const config = join(dir, `${server}.conf`);
      writeFileSync(
        config,
        `[SERVICE]\n    Flush 0.1\n    Log_Level error\n    HTTP_Server ${server}\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n\n` +
          `[INPUT]\n    Name tail\n    Path ${join(dir, 'in.log')}\n    Read_from_Head On\n    Exit_On_Eof On\n\n[OUTPUT]\n    Name null\n    Match *\n`,
      );
      const script = `const { main } = await import('./src/cli/main.ts'); const code = await main(['run', '-c', ${JSON.stringify(config)}]); if (code !== 0) throw new Error('exit ' + code);`;
      return modulesLoadedBy(script, /^NativeModule (http|_http_server)$/);
    };
    it('Off: neither http nor _http_server', () => {
      expect(httpLoadedBy('Off')).toEqual([]);
    });
    it('On: both (the server runs)', () => {
      expect(httpLoadedBy('On')).toEqual(['NativeModule _http_server', 'NativeModule http']);
    });
  });
});
