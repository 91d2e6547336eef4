// The monitor messages of the stream protocol (F6.2): what the agent and the viewer accept.
import { describe, expect, it } from "vitest";
import { AgentMsg, decodeMonitors, decodeViewerInput, encodeMonitors, encodeViewerInput, MAX_MONITORS, ProtocolError, ViewerMsg, WHOLE_SCREEN } from "../../protocol/stream";

const screen = { width: 1920, height: 1080 };

describe("monitor messages", () => {
  it("carry a layout and the monitor shown there and back", () => {
    const layout = { monitors: [{ x: 0, y: 0, w: 1920, h: 1080 }, { x: 1920, y: 120, w: 1280, h: 1024 }], shown: 1 };
    const bytes = encodeMonitors(layout);
    expect(bytes[0]).toBe(AgentMsg.Monitors);
    expect(decodeMonitors(bytes)).toEqual(layout);
    expect(decodeMonitors(encodeMonitors({ monitors: [], shown: null }))).toEqual({ monitors: [], shown: null });
    expect(() => encodeMonitors({ monitors: new Array(MAX_MONITORS + 1).fill({ x: 0, y: 0, w: 1, h: 1 }), shown: null })).toThrow(RangeError);
  });

  it("refuse a list whose length does not match its count, or that shows a monitor it lacks", () => {
    const good = encodeMonitors({ monitors: [{ x: 0, y: 0, w: 10, h: 10 }], shown: 0 });
    expect(() => decodeMonitors(good.subarray(0, good.length - 1))).toThrow(ProtocolError);
    expect(() => decodeMonitors(Uint8Array.of(AgentMsg.Monitors, 1, 1, ...good.subarray(3)))).toThrow(ProtocolError);
    expect(() => decodeMonitors(Uint8Array.of(AgentMsg.Monitors, MAX_MONITORS + 1, WHOLE_SCREEN))).toThrow(ProtocolError);
  });

  it("let a viewer pick a monitor by index or the whole screen, and nothing else", () => {
    expect(decodeViewerInput(encodeViewerInput({ type: ViewerMsg.Monitor, index: 2 }), screen)).toEqual({ type: ViewerMsg.Monitor, index: 2 });
    expect(decodeViewerInput(encodeViewerInput({ type: ViewerMsg.Monitor, index: null }), screen)).toEqual({ type: ViewerMsg.Monitor, index: null });
    expect(() => decodeViewerInput(Uint8Array.of(ViewerMsg.Monitor, MAX_MONITORS), screen)).toThrow(ProtocolError);
    expect(() => decodeViewerInput(Uint8Array.of(ViewerMsg.Monitor), screen)).toThrow(ProtocolError);
  });
});
