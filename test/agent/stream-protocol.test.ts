// The monitor messages of the stream protocol (F6.2): what the agent and the viewer accept.
import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  AgentMsg,
  decodeCursor,
  decodeMonitors,
  decodeViewerInput,
  encodeCursor,
  encodeMonitors,
  encodeViewerInput,
  MAX_CURSOR_SIDE,
  MAX_MONITORS,
  ProtocolError,
  ViewerMsg,
  WHOLE_SCREEN,
} from "../../protocol/stream";

const screen = { width: 1920, height: 1080 };

describe("cursor messages", () => {
  const arrow = { width: 3, height: 2, hotX: 1, hotY: 1, rgba: Uint8Array.from({ length: 24 }, (_, i) => i * 10) };

  it("carry a pointer shape and its hot spot there and back", () => {
    const bytes = encodeCursor(arrow);
    expect(bytes[0]).toBe(AgentMsg.Cursor);
    expect(decodeCursor(bytes)).toEqual(arrow);
    expect(() => encodeCursor({ ...arrow, width: MAX_CURSOR_SIDE + 1 })).toThrow(RangeError);
    expect(() => encodeCursor({ ...arrow, rgba: arrow.rgba.subarray(4) })).toThrow(RangeError);
  });

  it("send the pixels deflated: a mostly transparent shape is a fraction of its RGBA", () => {
    const rgba = new Uint8Array(32 * 32 * 4);
    for (let i = 0; i < 32; i++) rgba.set([0, 0, 0, 255], (i * 32 + i) * 4); // a diagonal line
    const bytes = encodeCursor({ width: 32, height: 32, hotX: 0, hotY: 0, rgba });
    expect(bytes.byteLength).toBeLessThan(rgba.byteLength / 8);
    expect(decodeCursor(bytes).rgba).toEqual(rgba);
  });

  it("refuse a shape out of size, a hot spot outside it, or pixels that do not inflate to its size", () => {
    const good = encodeCursor(arrow);
    const withHeader = (w: number, h: number, x: number, y: number, rest: Uint8Array) => {
      const out = new Uint8Array(9 + rest.byteLength);
      const v = new DataView(out.buffer);
      out[0] = AgentMsg.Cursor;
      [w, h, x, y].forEach((n, i) => v.setUint16(1 + 2 * i, n, true));
      out.set(rest, 9);
      return out;
    };
    expect(() => decodeCursor(good.subarray(0, good.length - 1))).toThrow(ProtocolError);
    expect(() => decodeCursor(good.subarray(0, 5))).toThrow(ProtocolError);
    expect(() => decodeCursor(withHeader(3, 2, 1, 1, deflateSync(arrow.rgba.subarray(4))))).toThrow(ProtocolError);
    expect(() => decodeCursor(withHeader(3, 2, 1, 1, deflateSync(Uint8Array.of(...arrow.rgba, 1))))).toThrow(ProtocolError);
    expect(() => decodeCursor(withHeader(3, 2, 1, 1, arrow.rgba))).toThrow(ProtocolError); // not DEFLATE
    expect(() => decodeCursor(withHeader(3, 2, 3, 0, deflateSync(arrow.rgba)))).toThrow(ProtocolError);
    expect(() => decodeCursor(withHeader(0, 0, 0, 0, new Uint8Array(0)))).toThrow(ProtocolError);
    expect(() => decodeCursor(withHeader(MAX_CURSOR_SIDE + 1, 1, 0, 0, new Uint8Array((MAX_CURSOR_SIDE + 1) * 4)))).toThrow(ProtocolError);
  });
});

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
