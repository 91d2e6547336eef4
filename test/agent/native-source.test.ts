// The Windows/macOS backend (node-screenshots + libnut), exercised on Xvfb where both
// packages work too, plus its keysym table.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nativeKey } from "../../agent/screen/native-keys";
import { haveXvfb, startXvfb, stopProcess, type Xvfb } from "./helpers/xvfb";

describe("native keysym table", () => {
  it("maps keys, shifted letters and text", () => {
    expect(nativeKey(0xff0d)).toEqual({ kind: "key", name: "enter", shift: false });
    expect(nativeKey(0x61)).toEqual({ kind: "key", name: "a", shift: false });
    expect(nativeKey(0x41)).toEqual({ kind: "key", name: "a", shift: true });
    expect(nativeKey(0xffbe + 11)).toEqual({ kind: "key", name: "f12", shift: false });
    expect(nativeKey(0xffeb, "darwin")).toEqual({ kind: "key", name: "cmd", shift: false });
    expect(nativeKey(0xffeb, "win32")).toEqual({ kind: "key", name: "win", shift: false });
    expect(nativeKey(0x3e)).toEqual({ kind: "text", text: ">" });
    expect(nativeKey(0x10020ac)).toEqual({ kind: "text", text: "\u20ac" });
    expect(nativeKey(0xfd01)).toBeUndefined();
  });
});

describe.skipIf(!haveXvfb())("native backend on Xvfb", () => {
  let xvfb: Xvfb;
  let xterm: ChildProcess;
  const dir = mkdtempSync(join(tmpdir(), "edgedesk-native-"));

  beforeAll(async () => {
    xvfb = await startXvfb();
    xterm = spawn("xterm", ["-geometry", "80x24+0+0", "-e", "/bin/sh"], {
      env: { PATH: process.env.PATH, DISPLAY: xvfb.display, HOME: dir, LANG: "C.UTF-8" },
      stdio: "ignore",
    });
    await new Promise((r) => setTimeout(r, 500)); // let the xterm map
  });

  afterAll(async () => {
    if (xterm) await stopProcess(xterm);
    await xvfb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("captures like xwd, moves the pointer, types into an xterm and sees the change", async () => {
    const out = join(dir, "native-");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "test/agent/helpers/native-driver.ts", out], {
      cwd: join(import.meta.dirname, "../.."),
      env: { ...process.env, DISPLAY: xvfb.display },
      timeout: 15_000,
    });
    const seen = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(seen).toEqual({ width: 1280, height: 720, captureDiff: -1, pointer: [150, 150], typed: true, damaged: true });
  });
});
