// The real CommandRunner: execFile, no shell, bounded time and output.
import { execFile } from "node:child_process";
import type { CommandResult, CommandRunner } from "./types";

export const runCommand: CommandRunner = (file, args, opts = {}) =>
  new Promise<CommandResult>((resolve) => {
    execFile(
      file,
      [...args],
      { timeout: opts.timeoutMs ?? 5000, maxBuffer: 256 * 1024, env: opts.env ?? process.env, windowsHide: true },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 127) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
