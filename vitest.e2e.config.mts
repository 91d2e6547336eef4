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
    teardownTimeout: 30_000,
  },
});
