import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // The tests assert on the agent's stderr, and the AWS SDK warns there on Node 20 (the machine's
    // Node in development; CI runs Node 24, where it never warns). Users see the warning:
    // test/cli/bin.test.ts checks that bin/logferry.js no longer turns it off.
    // LOGFERRY_POISON_RELEASED: released chunk buffers are overwritten before reuse
    // (engine/chunk-pool.ts), so any read of a chunk's bytes after its release fails a test.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOGFERRY_POISON_RELEASED: '1' },
  },
});
