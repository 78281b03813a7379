/** Waiting with an AbortSignal, as Node's own APIs do: an aborted wait rejects with `signal.reason`. */

/** Rejects with `signal.reason` if the signal is aborted already. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/**
 * Resolves when `subscribe` calls back, or rejects with the signal's reason when it aborts first.
 * `subscribe` returns how to unsubscribe (called on abort).
 */
export function waitFor(subscribe: (done: () => void) => () => void, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      unsubscribe();
      reject(signal!.reason);
    };
    const unsubscribe = subscribe(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
