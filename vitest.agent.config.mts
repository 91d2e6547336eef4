// The agent's tests: plain Node (no workerd), real sockets, a real Xvfb for X11.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/agent/**/*.test.ts"],
    environment: "node",
    // Generous: the X11 tests wait for a real X server and xterm, which are slow on a loaded machine.
    testTimeout: 60_000,
    hookTimeout: 20_000,
  },
});
