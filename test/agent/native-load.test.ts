// agent/native/load.ts: an addon that is missing, or loads but fails its first call, is
// reported as absent (the agent takes the fallback) with the reason for the log.
import { describe, expect, it } from "vitest";
import { addonError, loadAddon } from "../../agent/native/load";

describe("native addon loader", () => {
  it("reports an addon that was never built as absent, 'not built'", () => {
    expect(loadAddon("no-such-addon", "nothing")).toBeUndefined();
    expect(addonError("no-such-addon", "nothing")).toBe("not built");
  });

  it.skipIf(process.platform !== "linux")("reports an addon that loads but fails its first call as absent, with the error", () => {
    // The deflate addon is built (deflate-addon.test.ts); the check stands in for a version mismatch.
    const got = loadAddon("deflate", "deflate", () => {
      throw new Error("zlib version mismatch");
    });
    expect(got).toBeUndefined();
    expect(addonError("deflate", "deflate")).toMatch(/failed its first call: Error: zlib version mismatch/);
  });
});
