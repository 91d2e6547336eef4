// The remote clipboard both ways (F6.3) on a real X server, checked with xclip, an ordinary
// X client: what a viewer sends is what a paste on the remote computer gets, and what is
// copied there reaches the viewer.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentMsg, decodeClipboard, MAX_CLIPBOARD_BYTES, ViewerMsg } from "../../protocol/stream";
import { call, connectX11 } from "../../agent/screen/x11-connection";
import { closeX11Stream, streamX11, type X11Stream } from "./helpers/x11-session";
import type { Viewer } from "./helpers/viewer";
import { haveTool, haveXvfb, startXvfb, stopProcess, type Xvfb } from "./helpers/xvfb";

const haveXclip = haveTool("/usr/bin/xclip");
const run = promisify(execFile);

describe.skipIf(!haveXvfb() || !haveXclip)("the remote clipboard", () => {
  let xvfb: Xvfb;
  let stream: X11Stream;
  const copiers: ChildProcess[] = [];

  /**
   * What a paste on the remote computer would get, read as an X client (undefined: nothing
   * owns it). Asynchronous: the agent answering xclip runs in this process.
   */
  const remoteClipboard = async (target = "UTF8_STRING"): Promise<string | undefined> => {
    try {
      const { stdout } = await run("xclip", ["-o", "-selection", "clipboard", "-t", target], { env: { DISPLAY: xvfb.display }, timeout: 3000, encoding: "buffer" });
      return stdout.toString("utf8");
    } catch {
      return undefined;
    }
  };

  /** Copies `text` on the remote computer, as an application would (xclip owns CLIPBOARD until it serves once). */
  const copyRemotely = (text: string | Buffer) => {
    const p = spawn("xclip", ["-i", "-selection", "clipboard", "-quiet", "-loops", "1"], { env: { DISPLAY: xvfb.display }, stdio: ["pipe", "ignore", "ignore"] });
    copiers.push(p);
    p.stdin!.end(text);
  };

  /** The next Clipboard message to the viewer, skipping screen updates; undefined if none comes in time. */
  const nextClipboard = async (viewer: Viewer, timeoutMs = 5000): Promise<string | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const m = await viewer.next(deadline - Date.now()).catch(() => undefined);
      if (m?.[0] === AgentMsg.Clipboard) return decodeClipboard(m);
    }
    return undefined;
  };

  beforeAll(async () => {
    xvfb = await startXvfb();
    stream = await streamX11({ display: xvfb.display });
  });

  afterAll(async () => {
    for (const c of copiers) await stopProcess(c);
    await closeX11Stream(stream ?? {});
    await xvfb?.stop();
  });

  it("makes the viewer's text what a paste on the remote computer pastes", async () => {
    const text = "héllo → wörld ✓\nsecond line";
    stream.viewer.send({ type: ViewerMsg.Clipboard, text });
    await expect.poll(() => remoteClipboard()).toBe(text);
    // It offers its types, and plain STRING for old clients (outside Latin-1 as "?").
    expect(await remoteClipboard("TARGETS")).toMatch(/UTF8_STRING[\s\S]*STRING/);
    expect(await remoteClipboard("STRING")).toContain("? w");
  });

  it("passes text copied on the remote computer to the viewer, once per change", async () => {
    copyRemotely("copied remotely ✓");
    expect(await nextClipboard(stream.viewer)).toBe("copied remotely ✓");
    // The viewer's own text is not echoed back to it.
    stream.viewer.send({ type: ViewerMsg.Clipboard, text: "from the viewer" });
    await expect.poll(() => remoteClipboard()).toBe("from the viewer");
    expect(await nextClipboard(stream.viewer, 500)).toBeUndefined();
    // The same text copied there again comes again: the viewer's clipboard holds another now.
    copyRemotely("copied remotely ✓");
    expect(await nextClipboard(stream.viewer)).toBe("copied remotely ✓");
  });

  it("reads the next owner's text when an owner never answers", async () => {
    // An application that takes CLIPBOARD and then hangs: it never answers a request.
    const silent = await connectX11(xvfb.display);
    try {
      const X = silent.client;
      const clipboard = await call<number>(X, "InternAtom", false, "CLIPBOARD");
      const win = X.AllocID();
      X.CreateWindow(win, silent.screen[0]!.root, 0, 0, 1, 1, 0, 0, 0, 0, {});
      X.SetSelectionOwner(win, clipboard, 0);
      await new Promise((r) => setTimeout(r, 200));
      copyRemotely("after a silent owner"); // well within the agent's wait for the silent one
      expect(await nextClipboard(stream.viewer, 6000)).toBe("after a silent owner");
    } finally {
      silent.client.terminate();
    }
  });

  it("does not pass on text over the limit, and the session goes on", async () => {
    copyRemotely("x".repeat(MAX_CLIPBOARD_BYTES + 1));
    expect(await nextClipboard(stream.viewer, 1500)).toBeUndefined();
    // Under the limit as bytes, over it as UTF-8 once each invalid byte is a U+FFFD (it crashed the agent).
    copyRemotely(Buffer.alloc(20_000, 0xff));
    expect(await nextClipboard(stream.viewer, 1500)).toBeUndefined();
    copyRemotely("short again");
    expect(await nextClipboard(stream.viewer)).toBe("short again");
    expect(stream.session.isOpen).toBe(true);
  });

  it("forgets the viewer's text on the remote clipboard when the session ends", async () => {
    // A password pasted into the remote must not stay there for anyone at the computer to paste.
    stream.viewer.send({ type: ViewerMsg.Clipboard, text: "a pasted password" });
    await expect.poll(() => remoteClipboard()).toBe("a pasted password");
    stream.session.close();
    await stream.session.ended;
    await expect.poll(() => remoteClipboard()).toBeUndefined();
  });
});
