// A nested X server whose screen can change size (RandR: `xrandr -s WxH`), which Xvfb's
// cannot: Xephyr draws into a window on a private Xvfb, both started and stopped here.
import { spawn } from "node:child_process";
import { displayNumber, haveTool, startXvfb, stopProcess } from "./xvfb";

export type Xephyr = { display: string; stop(): Promise<void> };

export function haveXephyr(): boolean {
  return haveTool("/usr/bin/Xephyr") && haveTool("/usr/bin/xrandr");
}

/**
 * Starts Xephyr at `size` ("1024x768"); its RandR offers the usual modes up to 1600x1200.
 * Several sizes make one screen of that many monitors side by side (Xinerama's heads, as a
 * desktop with two monitors reports them); such a screen cannot change size.
 */
export async function startXephyr(size: string | string[]): Promise<Xephyr> {
  const host = await startXvfb("1920x1200x24");
  const screens = typeof size === "string" ? ["-screen", `${size}x24`, "-resizeable"] : ["+xinerama", ...size.flatMap((s) => ["-screen", `${s}x24`])];
  const proc = spawn("Xephyr", ["-displayfd", "3", ...screens, "-nolisten", "tcp", "-noreset"], {
    env: { ...process.env, DISPLAY: host.display },
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  try {
    const num = await displayNumber(proc, "Xephyr");
    return {
      display: `:${num}`,
      stop: async () => {
        await stopProcess(proc);
        await host.stop();
      },
    };
  } catch (err) {
    await stopProcess(proc);
    await host.stop();
    throw err;
  }
}
