// Which agents a viewer may send Quality and Clipboard messages to (protocol/stream.ts): an
// older agent closes the stream on a type it does not know.
import { describe, expect, it } from "vitest";
import { agentTakesExtras, EXTRAS_SINCE_AGENT } from "../../protocol/stream";
import { AGENT_VERSION } from "../../agent/version";

describe("agentTakesExtras", () => {
  it("is true from 0.2.0 on, numerically, and for this agent", () => {
    expect(EXTRAS_SINCE_AGENT).toBe("0.2.0");
    for (const v of ["0.2.0", "0.2.1", "0.10.0", "1.0.0", "0.2", AGENT_VERSION]) expect(agentTakesExtras(v), v).toBe(true);
  });

  it("is false before 0.2.0 and for a version it cannot read", () => {
    for (const v of ["0.1.0", "0.1.9", "0.0.1", "", "unknown"]) expect(agentTakesExtras(v), v).toBe(false);
  });
});
