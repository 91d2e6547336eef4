// The real thing, end to end: the built web app served by `wrangler dev` (workerd, local D1,
// R2 and Durable Objects, fresh state per run) and Debian's headless Chromium driven by
// playwright-core. Nothing here is mocked.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const wranglerBin = join(repoRoot, "node_modules", "wrangler", "bin", "wrangler.js");
/** Wrangler must not phone home or ask questions in a test run. */
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

function run(command: string, args: string[], what: string, env: Record<string, string> = {}): void {
  const result = spawnSync(command, args, { cwd: repoRoot, env: { ...quietEnv, ...env }, encoding: "utf8", stdio: "pipe" });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(`${what} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
}

/** Installs Debian's chromium when it is missing (a fresh machine), waiting for any apt run in progress. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const apt = (...args: string[]) => {
    const [command, ...rest] = [...sudo, "apt-get", "-o", "DPkg::Lock::Timeout=900", ...args];
    run(command!, rest, `apt-get ${args.join(" ")}`);
  };
  apt("update");
  apt("install", "-y", "--no-install-recommends", "chromium");
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing`);
}

/**
 * Builds web/dist the way `npm run build:web` does. E2E_SKIP_BUILD=1 reuses an existing
 * build (e.g. when `npm test` has just made one).
 */
export function buildWeb(): void {
  if (process.env.E2E_SKIP_BUILD === "1" && existsSync(join(repoRoot, "web", "dist", "index.html"))) return;
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  // The build that ships: vitest runs with NODE_ENV=test, and vite builds for whatever NODE_ENV
  // says (a development build, Preact's debug JSX included: 64 KB instead of 57 KB gzipped).
  const env = { NODE_ENV: "production" };
  if (pkg.scripts?.["build:web"]) run("npm", ["run", "--silent", "build:web"], "npm run build:web", env);
  else run(process.execPath, [join(repoRoot, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "web/vite.config.ts"], "vite build", env);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export type RunningWorker = {
  url: string;
  stateDir: string;
  logFile: string;
  /** wrangler dev's DevTools port for the Worker's isolate (profiling). */
  inspectorPort: number;
  stop(): Promise<void>;
};

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** Signals the whole process group: wrangler runs workerd and esbuild as children. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Applies the migrations to a fresh state dir and starts `wrangler dev` on a free port with
 * the dev flag (so /dev/mail.json exists). Resolves once GET /api/health answers 200.
 * `vars` become extra `--var NAME:value` arguments (e.g. a test's own OAuth provider endpoints).
 */
export async function startWorker(options: { timeoutMs?: number; vars?: Record<string, string> } = {}): Promise<RunningWorker> {
  const stateDir = mkdtempSync(join(tmpdir(), "edgedesk-e2e-"));
  const persist = join(stateDir, "state");
  const logFile = join(stateDir, "wrangler.log");
  run(process.execPath, [wranglerBin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], "wrangler d1 migrations apply");

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const log = createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persist,
      "--var",
      "DEV_MODE:true",
      // Every test and the bench come from 127.0.0.1: they register far more than 20 accounts an hour.
      "--var",
      "MAIL_REQUESTS_PER_IP_PER_HOUR:0",
      ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      "--show-interactive-dev-session=false",
      "--log-level",
      process.env.E2E_WRANGLER_LOG_LEVEL ?? "info",
    ],
    { cwd: repoRoot, env: quietEnv, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const url = `http://127.0.0.1:${port}`;
  // wrangler dev's proxy, once it has lost its connection to the runtime, holds a GET until the
  // next request reaches it (decision 30): one request a second keeps a page load or an API GET
  // from waiting for ever. /api/health touches no storage; a second is far apart enough not to
  // weigh on the bench's figures.
  let nudge: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(nudge);
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited(child);
    clearTimeout(timer);
    // Helpers (workerd) may outlive the wrangler process by a moment.
    killGroup(child, "SIGKILL");
    log.end();
    if (process.env.E2E_KEEP_STATE !== "1") rmSync(stateDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const output = tail(logFile);
      await stop();
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) {
        nudge = setInterval(() => {
          fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) })
            .then((r) => r.body?.cancel())
            .catch(() => {});
        }, 1_000);
        nudge.unref();
        return { url, stateDir, logFile, inspectorPort, stop };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const output = tail(logFile);
  await stop();
  throw new Error(`wrangler dev did not answer GET /api/health within the timeout:\n${output}`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

type OutboxMail = { id: number | string; to: string; subject: string; text: string; html: string; createdAt: string };

/** The password from the newest outbox mail to `email` (the line "Password: …", "Passwort: …" in German), waiting for it to arrive. */
export async function readPasswordFromOutbox(baseUrl: string, email: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/dev/mail.json`);
    if (response.ok) {
      const mails = (await response.json()) as OutboxMail[];
      const newest = mails.find((m) => m.to.toLowerCase() === email.toLowerCase());
      const password = newest?.text.match(/^Passwor(?:d|t): (\S+)\s*$/m)?.[1];
      if (password) return password;
      last = newest ? `newest mail to ${email} has no "Password:" line:\n${newest.text}` : `no mail to ${email} yet`;
    } else {
      last = `GET /dev/mail.json answered ${response.status}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`No password e-mailed to ${email}: ${last}`);
}

/** An address no earlier run used, so a test never depends on leftover state. */
export function uniqueEmail(prefix = "e2e"): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Saves a full-page screenshot to $E2E_SCREENSHOTS/<name>.png when that variable is set (for a look by eye). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
