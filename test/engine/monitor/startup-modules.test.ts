import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '../../support/loaded-modules.js';

describe('the monitoring server at start', () => {
  it('a guarded server listening loads neither undici, http2 nor tls', () => {
    const script =
      "const { createGuardedServer } = await import('./src/engine/monitor/connections.ts');" +
      "const s = createGuardedServer({}, (_req, res) => res.end(), () => {});" +
      "await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve)); s.close();";
    expect(modulesLoadedBy(script, /undici|http2|\btls\b/)).toEqual([]);
  });
});
