import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LineSink {
  port: number;
  /** Times each line number (`"log":"line N`) was received in an accepted request. */
  seen: Uint16Array;
  accepted: number;
  refused: number;
  close(): Promise<void>;
}

/**
 * An HTTP sink on 127.0.0.1 for json_lines of `line N ...` logs; answers 503 when `refuse` says
 * so (it is asked once per request, before the request is counted).
 */
export async function lineSink(lines: number, refuse: (sink: LineSink) => boolean): Promise<LineSink> {
  const seen = new Uint16Array(lines);
  const sink = { seen, accepted: 0, refused: 0 } as LineSink;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      if (refuse(sink)) {
        sink.refused++;
        res.statusCode = 503;
        res.end('try later');
        return;
      }
      for (const line of Buffer.concat(parts).toString().split('\n')) {
        if (line === '') continue;
        const n = Number(/"log":"line (\d+)/.exec(line)?.[1]);
        if (Number.isInteger(n) && n < lines) seen[n]!++;
      }
      sink.accepted++;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sink.port = (server.address() as AddressInfo).port;
  sink.close = () => new Promise((r) => server.close(() => r()));
  return sink;
}
