// Starts a private Xvfb for a test file. -displayfd lets the server pick a free display
// number itself, so parallel test files never race for one.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";

export type Xvfb = { display: string; process: ChildProcess; stop(): Promise<void> };

/**
 * Whether an X tool a test needs is there. Where EDGEDESK_REQUIRE_X_TOOLS is set (CI, which
 * installs them all) it always is: a missing one then fails its tests instead of skipping them
 * unseen.
 */
export function haveTool(...paths: string[]): boolean {
  return process.env.EDGEDESK_REQUIRE_X_TOOLS === "1" || paths.some((p) => existsSync(p));
}

export function haveXvfb(): boolean {
  return haveTool("/usr/bin/Xvfb", "/usr/local/bin/Xvfb");
}

export async function startXvfb(size = "1280x720x24"): Promise<Xvfb> {
  const proc = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", size, "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  const num = await displayNumber(proc, "Xvfb");
  return {
    display: `:${num}`,
    process: proc,
    stop: () => stopProcess(proc),
  };
}

/**
 * The display number an X server started with `-displayfd 3` writes to fd 3 once it is ready
 * (stdio: fd 2 and 3 piped); rejects with its stderr if it exits or takes over 10 s.
 */
export function displayNumber(proc: ChildProcess, name: string): Promise<string> {
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise<string>((resolve, reject) => {
    let out = "";
    const fail = (why: string) => reject(new Error(`${name} did not start: ${why}\n${stderr}`));
    const timer = setTimeout(() => fail("timeout"), 10_000);
    (proc.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      fail(`exited with ${code}`);
    });
  });
}

/** SIGTERM, then SIGKILL if the process lingers; resolves once it is gone. */
export function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill("SIGTERM");
  });
}
