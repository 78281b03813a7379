import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { capture, planFrom } from '../../../support/pipeline.js';
import { useTempDir } from '../../../support/temp-dir.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('es output over TLS', () => {
  const tmp = useTempDir('logferry-es-tls-');

  it('talks HTTPS with tls On: chain verified against tls.ca_file, the name only with tls.verify_hostname, or unverified', async () => {
    const key = `${tmp.path}/key.pem`;
    const crt = `${tmp.path}/crt.pem`;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=es.local', '-addext', 'subjectAltName=DNS:es.local'], { stdio: 'ignore' });
    const bodies: string[] = [];
    const server = createServer({ key: readFileSync(key), cert: readFileSync(crt) }, (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        bodies.push(Buffer.concat(parts).toString());
        res.setHeader('content-type', 'application/json');
        res.end('{"took":1,"errors":false,"items":[{"create":{"status":201}}]}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const cases = [
        `    tls On\n    tls.verify On\n    tls.verify_hostname On\n    tls.ca_file ${crt}\n    tls.vhost es.local\n`,
        // As in Fluent Bit, the chain is checked but not the name unless tls.verify_hostname is On.
        `    tls On\n    tls.ca_file ${crt}\n`,
        '    tls On\n    tls.verify Off\n',
      ];
      for (const tls of cases) {
        const run = capture(planFrom(`[SERVICE]\n    Flush 0.05\n[INPUT]\n    Name lib\n    Tag app\n[OUTPUT]\n    Name es\n    Match *\n    Host 127.0.0.1\n    Port ${port}\n    Suppress_Type_Name On\n${tls}`));
        await run.pipeline.start();
        run.pipeline.push([{ time: 1_700_000_000_000_000_000n, record: { a: 1 } }]);
        await run.pipeline.stop();
        expect(run.pipeline.metrics().output['es.0']!.dropped).toEqual({});
      }
      expect(bodies).toHaveLength(3);
      // tls.verify_hostname On and a certificate for another name: never delivered.
      const bad = capture(planFrom(`[SERVICE]\n    Flush 0.05\n    Grace 1\n[INPUT]\n    Name lib\n    Tag app\n[OUTPUT]\n    Name es\n    Match *\n    Host 127.0.0.1\n    Port ${port}\n    tls On\n    tls.verify_hostname On\n    tls.ca_file ${crt}\n    Retry_Limit no_retries\n`));
      await bad.pipeline.start();
      bad.pipeline.push([{ time: 1_700_000_000_000_000_000n, record: { a: 1 } }]);
      await bad.pipeline.stop();
      expect(Object.keys(bad.pipeline.metrics().output['es.0']!.dropped)[0]).toMatch(/retries exhausted: .*(altnames|certificate)/i);
      expect(bodies).toHaveLength(3);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
