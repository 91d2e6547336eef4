// What one viewer holds down on the remote computer (agent/stream/viewer-hands.ts).
import { describe, expect, it } from "vitest";
import { VirtualSource } from "../../agent/screen/virtual-source";
import { MAX_KEYS_HELD, ViewerHands } from "../../agent/stream/viewer-hands";

describe("a viewer's hands", () => {
  it("holds at most MAX_KEYS_HELD keys: a key past that is not pressed, and every key pressed is let go", () => {
    const source = new VirtualSource();
    const pressed: [number, boolean][] = [];
    source.key = (keysym, down) => void pressed.push([keysym, down]);
    const hands = new ViewerHands(source);
    // A viewer pressing ever new keys without letting go (a real keyboard holds a handful).
    for (let k = 0; k < 1000; k++) hands.key(0x10000 + k, true);
    expect(pressed.filter(([, down]) => down)).toHaveLength(MAX_KEYS_HELD);
    // Released, one makes room for another.
    hands.key(0x10000, false);
    hands.key(0x20000, true);
    expect(pressed.at(-1)).toEqual([0x20000, true]);
    pressed.length = 0;
    hands.letGo();
    expect(pressed).toHaveLength(MAX_KEYS_HELD);
    expect(pressed.every(([, down]) => !down)).toBe(true);
    void source.close();
  });
});
