import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// Node 22+ builds the ESM facade of node:http with lazy getters that load undici (and with it http2
// and tls); Node 20 has none, so there the test holds either way. LOGFERRY_TEST_NODE runs it on
// another Node (CI's 24).
const NODE = process.env['LOGFERRY_TEST_NODE'] ?? process.execPath;

describe('the monitoring server at start', () => {
  it('a guarded server listening loads neither undici, http2 nor tls', () => {
    const script =
      "const { createGuardedServer } = await import('./src/engine/monitor/connections.ts');" +
      "const s = createGuardedServer({}, (_req, res) => res.end(), () => {});" +
      "await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve)); s.close();" +
      "console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici|http2|\\btls\\b/.test(m))));";
    const out = execFileSync(NODE, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop() ?? 'null')).toEqual([]);
  });
});
