// The agent's tests: plain Node (no workerd), real sockets, a real Xvfb for X11.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/agent/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
