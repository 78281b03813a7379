/**
 * What an SDK command would send: the finalized request's headers and body, captured before the
 * network (a middleware at the end of finalizeRequest throws them out).
 */
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';

export interface Sent {
  readonly headers: Record<string, string>;
  readonly body: string;
}

class Captured extends Error {
  constructor(readonly sent: Sent) {
    super('captured');
  }
}

/** Makes the command of `stack` stop before the network and hand over what it would send. */
export function capture<I extends object, O extends MetadataBearer>(stack: MiddlewareStack<I, O>): void {
  stack.add(
    () => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: unknown };
      const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
      throw new Captured({ headers: { ...request.headers }, body });
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
}

/** What `send` (a client.send of a command given to capture) would have sent. */
export async function sent(send: () => Promise<unknown>): Promise<Sent> {
  try {
    await send();
  } catch (err) {
    if (err instanceof Captured) return err.sent;
    throw err;
  }
  throw new Error('nothing was sent');
}

