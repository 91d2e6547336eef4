// The X11 backend against a real Xvfb: capture, DAMAGE, XTEST pointer and keys.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rect } from "../../protocol/stream";
import { call, connectX11, type XDisplay } from "../../agent/screen/x11-connection";
import { openX11Source, type X11Source } from "../../agent/screen/x11-source";
import { firstDifference } from "./helpers/compose";
import { haveXvfb, startXvfb, stopProcess, type Xvfb } from "./helpers/xvfb";
import { xwdRoot } from "./helpers/xwd";

const covers = (rects: readonly Rect[], t: Rect) =>
  rects.some((r) => r.x <= t.x && r.y <= t.y && r.x + r.w >= t.x + t.w && r.y + r.h >= t.y + t.h);

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!haveXvfb())("X11 source on Xvfb", () => {
  let xvfb: Xvfb;
  let source: X11Source;
  let painter: XDisplay;
  let gc = 0;
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "edgedesk-x11-"));

  /** Fills a rect of the root window with an RGB colour from a second X client. */
  const paint = async (r: Rect, rgb: number) => {
    painter.client.ChangeGC(gc, { foreground: rgb });
    painter.client.PolyFillRectangle(painter.screen[0]!.root, gc, [r.x, r.y, r.w, r.h]);
    await painter.client.sync();
  };

  beforeAll(async () => {
    xvfb = await startXvfb();
    source = await openX11Source({ display: xvfb.display });
    painter = await connectX11(xvfb.display);
    gc = painter.client.AllocID();
    painter.client.CreateGC(gc, painter.screen[0]!.root, { foreground: 0 });
  });

  afterAll(async () => {
    for (const c of children) await stopProcess(c);
    await source?.close();
    painter?.client.terminate();
    await xvfb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses MIT-SHM and DAMAGE on a local server", () => {
    // The shm-map addon is built on install: the segment is mapped, not read with pread.
    expect(source.mode).toEqual({ shm: true, mappedShm: true, damage: true });
    expect([source.width, source.height]).toEqual([1280, 720]);
  });

  it("captures the same pixels as xwd, through SHM and through core GetImage", async () => {
    await paint({ x: 10, y: 20, w: 300, h: 200 }, 0xff8000);
    await paint({ x: 200, y: 100, w: 77, h: 33 }, 0x123456);
    const reference = xwdRoot(xvfb.display);
    const shot = await source.capture();
    expect(firstDifference(shot.data, reference.data)).toBe(-1);
    // RGBA order: the orange rect reads back as 255,128,0.
    const o = (50 * 1280 + 50) * 4;
    expect([...shot.data.subarray(o, o + 4)]).toEqual([255, 128, 0, 255]);

    const core = await openX11Source({ display: xvfb.display, useShm: false });
    const pread = await openX11Source({ display: xvfb.display, mapShm: false });
    try {
      expect(core.mode.shm).toBe(false);
      expect(pread.mode).toMatchObject({ shm: true, mappedShm: false });
      const part = await core.capture({ x: 190, y: 90, w: 101, h: 51 });
      const fromShm = await source.capture({ x: 190, y: 90, w: 101, h: 51 });
      expect(firstDifference(part.data, fromShm.data)).toBe(-1);
      // captureInto (the stream's path) writes the same pixels in place, in X's own B, G, R, X
      // order on this visual, for a whole-width band and for an inner rect, through SHM and
      // through core GetImage.
      const asRgba = (bgrx: Uint8Array) => {
        const out = new Uint8Array(bgrx.length);
        for (let i = 0; i < bgrx.length; i += 4) out.set([bgrx[i + 2]!, bgrx[i + 1]!, bgrx[i]!, 255], i);
        return out;
      };
      for (const src of [source, pread, core]) {
        expect(src.captureFormat).toBe("bgrx");
        const target = { data: new Uint8Array(1280 * 720 * 4), width: 1280 };
        await src.captureInto!({ x: 0, y: 0, w: 1280, h: 720 }, target);
        expect(firstDifference(asRgba(target.data), reference.data)).toBe(-1);
        target.data.fill(0);
        await src.captureInto!({ x: 190, y: 90, w: 101, h: 51 }, target);
        for (let j = 0; j < 51; j++) {
          const row = target.data.subarray(((90 + j) * 1280 + 190) * 4, ((90 + j) * 1280 + 291) * 4);
          expect(firstDifference(asRgba(row), part.data.subarray(j * 101 * 4, (j + 1) * 101 * 4))).toBe(-1);
        }
        expect(target.data[(89 * 1280 + 190) * 4 + 1]).toBe(0); // nothing written outside the rect
        // A band of whole rows lower down (through SHM it is read straight into the target).
        target.data.fill(0);
        await src.captureInto!({ x: 0, y: 100, w: 1280, h: 50 }, target);
        const band = (d: Uint8Array) => d.subarray(100 * 1280 * 4, 150 * 1280 * 4);
        expect(firstDifference(asRgba(band(target.data)), band(reference.data))).toBe(-1);
        expect(target.data[99 * 1280 * 4 + 1]).toBe(0);
        expect(target.data[150 * 1280 * 4 + 1]).toBe(0);
        // And the next ordinary capture still gets its own pixels.
        const again = await src.capture({ x: 190, y: 90, w: 101, h: 51 });
        expect(firstDifference(again.data, part.data)).toBe(-1);
      }
    } finally {
      await core.close();
      await pread.close();
    }
  });

  it("lends its mapped screen to one borrower at a time, which captures fill in place", async () => {
    const asRgba = (bgrx: Uint8Array) => {
      const out = new Uint8Array(bgrx.length);
      for (let i = 0; i < bgrx.length; i += 4) out.set([bgrx[i + 2]!, bgrx[i + 1]!, bgrx[i]!, 255], i);
      return out;
    };
    const lent = source.lendScreen()!;
    expect(lent.byteLength).toBe(1280 * 720 * 4);
    expect(lent.every((b) => b === 0)).toBe(true);
    expect(source.lendScreen()).toBeUndefined();
    try {
      await paint({ x: 0, y: 0, w: 1280, h: 720 }, 0x203040);
      await paint({ x: 400, y: 300, w: 120, h: 80 }, 0xa0b0c0);
      const target = { data: lent, width: 1280 };
      await source.captureInto({ x: 0, y: 0, w: 1280, h: 720 }, target);
      expect(firstDifference(asRgba(lent), xwdRoot(xvfb.display).data)).toBe(-1);

      // Another capture meanwhile (a thumbnail, a second session) goes through the other
      // half of the segment: the lent screen keeps what its borrower captured.
      await paint({ x: 400, y: 300, w: 120, h: 80 }, 0x00ff00);
      const shot = await source.capture({ x: 400, y: 300, w: 120, h: 80 });
      expect([...shot.data.subarray(0, 4)]).toEqual([0, 255, 0, 255]);
      const at = (x: number, y: number) => [...asRgba(lent.subarray((y * 1280 + x) * 4, (y * 1280 + x) * 4 + 4))];
      expect(at(410, 310)).toEqual([0xa0, 0xb0, 0xc0, 255]);
      // A band of rows is written in place; an inner rect is copied in; both are exact.
      await source.captureInto({ x: 0, y: 290, w: 1280, h: 20 }, target);
      expect(at(410, 300)).toEqual([0, 255, 0, 255]);
      expect(at(410, 310)).toEqual([0xa0, 0xb0, 0xc0, 255]); // row 310 is outside the band
      await source.captureInto({ x: 405, y: 305, w: 10, h: 10 }, target);
      expect(at(410, 310)).toEqual([0, 255, 0, 255]);
      expect(at(420, 310)).toEqual([0xa0, 0xb0, 0xc0, 255]); // outside the rect
    } finally {
      source.returnScreen(lent);
    }
    const again = source.lendScreen()!;
    expect(again.every((b) => b === 0)).toBe(true); // zeroed for its next borrower
    source.returnScreen(again);
  });

  it("reports the drawn area through DAMAGE", async () => {
    const seen: Rect[] = [];
    const off = source.onDamage((rects) => seen.push(...rects));
    try {
      const target = { x: 400, y: 300, w: 50, h: 40 };
      await paint(target, 0x00ff00);
      await until(() => covers(seen, target), "damage covering the painted rect");
      // Damage is precise: nothing near the far corner was reported.
      expect(seen.some((r) => r.x + r.w > 1000 && r.y + r.h > 600)).toBe(false);
    } finally {
      off();
    }
  });

  it("falls back to tile polling when DAMAGE is not used", async () => {
    const polled = await openX11Source({ display: xvfb.display, useDamage: false, pollIntervalMs: 30 });
    const seen: Rect[] = [];
    const off = polled.onDamage((rects) => seen.push(...rects));
    try {
      expect(polled.mode.damage).toBe(false);
      // The first poll sets the baseline and reports the whole screen: what changed since a
      // viewer's first capture must not be lost.
      await until(() => seen.some((r) => r.x === 0 && r.y === 0 && r.w === polled.width && r.h === polled.height), "the first poll");
      seen.length = 0;
      const target = { x: 700, y: 500, w: 20, h: 20 };
      await paint(target, 0x0000ff);
      await until(() => covers(seen, target), "a polled change");
    } finally {
      off();
      await polled.close();
    }
  });

  it("moves the pointer with XTEST", async () => {
    source.pointer(321, 123, 0);
    const p = await until(async () => {
      const q = await call<{ rootX: number; rootY: number }>(painter.client, "QueryPointer", painter.screen[0]!.root);
      return q.rootX === 321 && q.rootY === 123 ? q : undefined;
    }, "the pointer to move");
    expect([p.rootX, p.rootY]).toEqual([321, 123]);
  });

  it("clicks where the viewer points though the local mouse moved, and lets go without moving it", async () => {
    const root = painter.screen[0]!.root;
    const query = () => call<{ rootX: number; rootY: number; keyMask: number }>(painter.client, "QueryPointer", root);
    const warp = async (x: number, y: number) => {
      painter.client.WarpPointer(0, root, 0, 0, 0, 0, x, y);
      await painter.client.sync();
    };
    source.pointer(300, 200, 0);
    await until(async () => ((await query()).rootX === 300 ? true : undefined), "the pointer at 300,200");
    // The person at the computer moves the mouse; the operator clicks where they pointed before.
    await warp(10, 10);
    source.pointer(300, 200, 1);
    const pressed = await until(async () => {
      const q = await query();
      return q.keyMask & 0x100 ? q : undefined;
    }, "button 1 down");
    expect([pressed.rootX, pressed.rootY]).toEqual([300, 200]);
    // The session ends mid-drag, after the local user moved the mouse again: the button goes
    // up, the mouse stays where the local user put it.
    await warp(500, 400);
    source.releaseInput();
    const released = await until(async () => {
      const q = await query();
      return q.keyMask & 0x100 ? undefined : q;
    }, "button 1 up");
    expect([released.rootX, released.rootY]).toEqual([500, 400]);
  });

  it("types a shell command into an xterm, including a keysym the keymap lacks", async () => {
    const out = join(dir, "typed.txt");
    const xterm = spawn("xterm", ["-geometry", "100x30+0+0", "-e", "/bin/sh"], {
      env: { PATH: process.env.PATH, DISPLAY: xvfb.display, HOME: dir, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
      stdio: "ignore",
    });
    children.push(xterm);
    // Wait for the xterm window, then point into it: with no window manager, focus follows the pointer.
    await until(async () => {
      const tree = await call<{ children: number[] }>(painter.client, "QueryTree", painter.screen[0]!.root);
      return tree.children.length > 0 || undefined;
    }, "the xterm window");
    source.pointer(200, 200, 0);
    await new Promise((r) => setTimeout(r, 300));

    const typed = `echo hi\u00e9 > ${out}`;
    for (const ch of typed) {
      const keysym = ch.codePointAt(0)!;
      source.key(keysym, true);
      source.key(keysym, false);
    }
    source.key(0xff0d, true); // Return
    source.key(0xff0d, false);
    const text = await until(() => {
      try {
        return readFileSync(out, "utf8");
      } catch {
        return undefined;
      }
    }, "the file the typed command writes");
    expect(text).toBe("hi\u00e9\n");
  });

  it("types letters in the case the viewer sent while Caps Lock is on at the remote side", async () => {
    // The xterm of the test before still runs its shell; the pointer keeps its focus.
    source.pointer(200, 200, 0);
    const out = join(dir, "caps.txt");
    const type = (keysyms: number[]) => {
      for (const k of keysyms) {
        source.key(k, true);
        source.key(k, false);
      }
    };
    const chars = (text: string) => [...text].map((ch) => ch.codePointAt(0)!);
    const CAPS_LOCK = 0xffe5;
    // The operator turns Caps Lock on (so does the browser, which then sends "H" and "I").
    type(chars("echo "));
    type([CAPS_LOCK]);
    type(chars("HI"));
    // A lower-case letter the viewer sends (Shift held at the viewer) stays lower case.
    type(chars("x"));
    type([CAPS_LOCK]);
    type(chars(` Hey > ${out}`));
    type([0xff0d]);
    const text = await until(() => {
      try {
        return readFileSync(out, "utf8");
      } catch {
        return undefined;
      }
    }, "the file the typed command writes");
    expect(text).toBe("HIx Hey\n");
  });

  it("binds no key to a keysym that acts on the X server: Terminate_Server leaves it running", async () => {
    // XKB gives a bound Terminate_Server its action: on Xvfb one press ended the server and
    // every session on it. Likewise the VT switches and the AccessX toggles.
    for (const keysym of [0xfed5, 0x1008fe01, 0xfe76]) {
      source.key(keysym, true);
      source.key(keysym, false);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(xvfb.process.exitCode).toBeNull();
    await painter.client.sync();
    expect((await source.capture({ x: 0, y: 0, w: 8, h: 8 })).width).toBe(8);
  });

  it("leaves the keys of a layout switched to meanwhile alone: a keycode it bound and the new layout took is no longer its to bind", async () => {
    const d = painter as unknown as { min_keycode: number; max_keycode: number };
    const mapping = () => call<number[][]>(painter.client, "GetKeyboardMapping", d.min_keycode, d.max_keycode - d.min_keycode + 1);
    const keycodeOf = async (keysym: number) => {
      const at = (await mapping()).findIndex((row) => row[0] === keysym);
      return at < 0 ? undefined : d.min_keycode + at;
    };
    const press = (keysym: number) => {
      source.key(keysym, true);
      source.key(keysym, false);
    };
    // A keysym no layout has: the agent binds a spare keycode to it.
    const A_MACRON = 0x1000101;
    press(A_MACRON);
    const taken = await until(() => keycodeOf(A_MACRON), "the bound keycode");
    // Another client's layout puts F13 there (as setxkbmap or xmodmap would); the agent reloads.
    const F13 = 0xffca;
    const perKeycode = (await mapping())[0]!.length;
    painter.client.ChangeKeyboardMapping(taken, perKeycode, [F13, ...new Array<number>(perKeycode - 1).fill(0)]);
    await painter.client.sync();
    await new Promise((r) => setTimeout(r, 300));
    // More new keysyms than there are spare keycodes: every spare one is bound again in turn.
    const spare = (await mapping()).filter((row) => row.every((k) => k === 0)).length;
    for (let i = 0; i < spare + 40; i++) {
      press(0x1000400 + i); // Cyrillic and beyond
      if (i % 8 === 7) await painter.client.sync();
    }
    await new Promise((r) => setTimeout(r, 500));
    expect((await mapping())[taken - d.min_keycode]![0]).toBe(F13);
  });
});
