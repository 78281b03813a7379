import { createServer, type AddressInfo } from 'node:net';

/** `n` ports free on 127.0.0.1 now (the system's choice, released for the code under test to bind). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** One port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}
