// Browser tests: the built cabinet on `wrangler dev` with a fresh local state, driven in
// Debian's headless Chromium (test/e2e/harness.ts). They run in Node, one file at a time.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    fileParallelism: false,
    // Installing chromium, building the web app and starting workerd take a while on a fresh machine.
    hookTimeout: 600_000,
    testTimeout: 120_000,
    // One more try for a failed test: wrangler dev's proxy queues a page's GET for ever when its
    // pooled connection to the runtime breaks (see apiFetch in test/e2e/backend.ts), and a page
    // load cannot be re-sent from inside the test. A failed try still prints its open requests
    // and wrangler's last lines (browser-fixture.ts), and the report marks the test as retried.
    retry: 1,
    teardownTimeout: 30_000,
  },
});
