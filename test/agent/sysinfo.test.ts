// System information, screenshot thumbnails, settings and the installed flag, collected
// and sent for real (systeminformation on this machine, sharp, a real local WebSocket).
import { chmodSync, chownSync, mkdirSync, symlinkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_CONTROL_MSG_BYTES, MAX_SCREENSHOT_BYTES, SCREENSHOT_MSG, type SystemInfo } from "../../protocol/control";
import { AgentRunner, type AgentRunnerOptions } from "../../agent/agent-runner";
import { loadIdentity, protectFor, saveIdentity } from "../../agent/control/config";
import type { Rect } from "../../protocol/stream";
import { VirtualSource } from "../../agent/screen/virtual-source";
import { openX11Source } from "../../agent/screen/x11-source";
import { collectSystemInfo, fitSystemInfo, shapeSystemInfo, systemInfoBytes } from "../../agent/sysinfo/collect";
import { SystemInfo as SystemInfoSchema } from "../../protocol/api";
import { encodeThumbnail } from "../../agent/sysinfo/thumbnail";
import { AGENT_VERSION } from "../../agent/version";
import { AGENT_TOKEN, COMPUTER_ID, FakeServer } from "./helpers/fake-server";
import { sleep, until, within } from "./helpers/wait";
import { haveXvfb, startXvfb } from "./helpers/xvfb";

let server: FakeServer;
let dir: string;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  server = await new FakeServer().listen();
  dir = mkdtempSync(join(tmpdir(), "edgedesk-sysinfo-"));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function startRunner(opts: Partial<AgentRunnerOptions> = {}) {
  const source = opts.source ?? new VirtualSource();
  const runner = new AgentRunner({
    identity: { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN },
    name: "test-box",
    control: { heartbeatMs: 30_000, backoff: { baseMs: 20, maxMs: 100 } },
    ...opts,
    source,
  });
  const done = runner.run();
  cleanups.push(() => source.close(), () => runner.stop());
  return { runner, source, done };
}

const root = process.getuid?.() === 0;

describe("system information", () => {
  it("is collected on this machine with every general field filled", async () => {
    const info = await collectSystemInfo({ agentVersion: AGENT_VERSION, screen: { width: 1280, height: 720 } });
    const g = info.general;
    for (const k of ["os", "osVersion", "hostname", "user", "cpu", "agentVersion"] as const) expect(g[k], k).not.toBe("");
    expect(g.cores).toBeGreaterThan(0);
    expect(g.memoryBytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(g.uptimeSeconds).toBeGreaterThan(0);
    expect(g.agentVersion).toBe(AGENT_VERSION);
    expect(info.detail.disks.length).toBeGreaterThan(0);
    expect(info.detail.disks.some((d) => d.mount === "/" && d.sizeBytes > 0 && d.usedBytes! > 0)).toBe(true);
    expect(info.detail.network.length).toBeGreaterThan(0);
    expect(info.detail.network.every((n) => n.name && n.ipv4.length + n.ipv6.length > 0)).toBe(true);
    expect(info.detail.displays.length).toBeGreaterThan(0);
    expect(systemInfoBytes(info)).toBeLessThan(MAX_CONTROL_MSG_BYTES);
    // The hub validates with this schema and closes the socket on a mismatch.
    expect(SystemInfoSchema.safeParse(info).error).toBeUndefined();
  });

  it("turns odd probe answers (nulls, NaN, missing flags) into what the hub's schema accepts", () => {
    const info = shapeSystemInfo(
      {
        cpu: { cores: Number.NaN } as never,
        mem: { total: null } as never,
        fsSize: [{ fs: "/dev/x", type: "ext4", size: 10, used: null, mount: "/" } as never],
        networkInterfaces: [{ iface: "eth9", ifaceName: "", mac: undefined, ip4: "", ip6: "", speed: null, internal: false } as never],
        graphics: { controllers: [], displays: [{ model: "", currentResX: 800, currentResY: null, main: undefined } as never] },
        bios: { vendor: "V", version: null, releaseDate: undefined } as never,
      },
      { agentVersion: AGENT_VERSION },
    );
    expect(SystemInfoSchema.safeParse(info).error).toBeUndefined();
    expect(info.detail.displays[0]).toEqual({ name: "Display 1", width: 800, height: 0, primary: false });
  });

  it("is collected without stalling the agent's event loop", async () => {
    // In-process, systeminformation's execSync calls held the loop for ~0.8 s here.
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    await collectSystemInfo({ agentVersion: AGENT_VERSION });
    h.disable();
    expect(h.max / 1e6).toBeLessThan(300);
  });

  it("goes out after the hello on every connection, under 64 KiB", async () => {
    startRunner();
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.systemInfos.length > 0, "system info", 15_000);
    const kinds = c.texts.filter((t) => t !== "ping").map((t) => (JSON.parse(t) as { type: string }).type);
    expect(kinds.slice(0, 2)).toEqual(["hello", "system-info"]);
    const sent = c.texts.find((t) => t.includes('"system-info"'))!;
    expect(Buffer.byteLength(sent)).toBeLessThan(MAX_CONTROL_MSG_BYTES);
    const info = c.systemInfos[0]!;
    expect(SystemInfoSchema.safeParse(info).error).toBeUndefined();
    expect(info.general.hostname).not.toBe("");
    expect(info.general.memoryBytes).toBeGreaterThan(0);
    expect(info.detail.displays).toContainEqual({ name: "Screen", width: 1280, height: 720, primary: true });

    c.ws.terminate();
    const again = await within(server.nextControl(), "a second control connection");
    await until(() => again.systemInfos.length > 0, "system info again", 15_000);
    expect(again.hellos).toHaveLength(1);
  }, 40_000);

  it("is sent again only when it changed, the uptime aside", async () => {
    let uptime = 100;
    let host = "box-1";
    const collect = async (): Promise<SystemInfo> => ({
      general: { os: "Linux", osVersion: "1", hostname: host, user: "u", cpu: "c", cores: 1, memoryBytes: 1, uptimeSeconds: uptime++, agentVersion: "x" },
      detail: { disks: [{ name: "d", type: "ext4", sizeBytes: 100 * 2 ** 30, usedBytes: 10 * 2 ** 30 + uptime, mount: "/" }], network: [], displays: [] },
    });
    startRunner({ collectSystemInfo: collect, sysinfoCheckMs: 30, screenshotIntervalMs: 0 });
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.systemInfos.length === 1);
    await sleep(300); // ~10 checks, each with a new uptime and a few more bytes used
    expect(c.systemInfos).toHaveLength(1);
    host = "box-2";
    await until(() => c.systemInfos.length === 2, "the changed info");
    expect(c.systemInfos[1]!.general.hostname).toBe("box-2");
  });

  it("stays under 64 KiB however many disks and adapters there are", () => {
    const long = "x".repeat(200);
    const info: SystemInfo = {
      general: { os: long, osVersion: long, hostname: long, user: long, cpu: long, cores: 1, memoryBytes: 1, uptimeSeconds: 1, agentVersion: "1" },
      detail: {
        disks: Array.from({ length: 5000 }, () => ({ name: long, type: long, sizeBytes: 1, usedBytes: 1, mount: long })),
        network: Array.from({ length: 5000 }, () => ({ name: long, mac: long, ipv4: [long, long], ipv6: [long, long] })),
        displays: Array.from({ length: 5000 }, () => ({ name: long, width: 1, height: 1, primary: false })),
      },
    };
    const fitted = fitSystemInfo(info);
    expect(systemInfoBytes(fitted)).toBeLessThan(MAX_CONTROL_MSG_BYTES);
    expect(fitted.detail.disks.length).toBeGreaterThan(0);
  });
});

describe("screenshot thumbnails", () => {
  async function checkThumbnail(data: Buffer): Promise<{ width: number; height: number }> {
    expect(data[0]).toBe(SCREENSHOT_MSG);
    expect(data.byteLength - 1).toBeLessThanOrEqual(MAX_SCREENSHOT_BYTES);
    const webp = data.subarray(1);
    expect(webp.subarray(0, 4).toString("latin1")).toBe("RIFF");
    expect(webp.subarray(8, 12).toString("latin1")).toBe("WEBP");
    const { info } = await sharp(webp).raw().toBuffer({ resolveWithObject: true }); // decodes every pixel
    expect(info.width).toBeLessThanOrEqual(480);
    return info;
  }

  it("arrives right after connecting as [0x01][WebP], at most 480 px wide, then on every interval", async () => {
    startRunner({ screenshotIntervalMs: 400 });
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.binaries.length > 0, "a thumbnail", 5000);
    expect(c.binaries[0]!.at - c.openedAt).toBeLessThan(5000);
    expect(await checkThumbnail(c.binaries[0]!.data)).toEqual(expect.objectContaining({ width: 480, height: 270 }));
    await until(() => c.binaries.length >= 3, "more thumbnails", 3000);
    await checkThumbnail(c.binaries[2]!.data);
  });

  it("comes from a running session's copy of the screen, without capturing", async () => {
    const source = new VirtualSource();
    const fullCaptures: number[] = [];
    const capture = source.capture.bind(source);
    source.capture = (rect?: Rect) => {
      if (!rect || (rect.w === source.width && rect.h === source.height)) fullCaptures.push(Date.now());
      return capture(rect);
    };
    const { runner } = startRunner({ source, screenshotIntervalMs: 200 });
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.binaries.length > 0, "the first thumbnail");
    server.send(c, { type: "open-stream", sessionId: "s1", path: server.streamPath("s1") });
    const viewer = await within(server.nextStream(), "a stream");
    await viewer.nextUpdate();
    await until(() => runner.sessions.get("s1")?.snapshot() !== undefined, "a session snapshot");
    const before = fullCaptures.length;
    const shots = c.binaries.length;
    await until(() => c.binaries.length >= shots + 3, "thumbnails during the session");
    expect(fullCaptures.length).toBe(before);
    await checkThumbnail(c.binaries.at(-1)!.data);
    viewer.ws.close();
  });

  it.skipIf(!haveXvfb())("captures a real X display for the thumbnail", async () => {
    const xvfb = await startXvfb("1920x1080x24");
    cleanups.push(() => xvfb.stop());
    const source = await openX11Source({ display: xvfb.display });
    startRunner({ source, screenshotIntervalMs: 60_000 });
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.binaries.length > 0, "a thumbnail", 5000);
    expect(await checkThumbnail(c.binaries[0]!.data)).toEqual(expect.objectContaining({ width: 480, height: 270 }));
  });

  it("fits the size limit even for a screen of noise", async () => {
    const w = 1920;
    const h = 1080;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 256) | 0;
    const webp = await encodeThumbnail({ width: w, height: h, data });
    expect(webp).toBeDefined();
    expect(webp!.byteLength).toBeLessThanOrEqual(MAX_SCREENSHOT_BYTES);
    expect((await sharp(webp!).metadata()).width).toBeLessThanOrEqual(480);
  });
});

describe("settings and the installed flag", () => {
  it("keeps allowNonAdminConfig in memory and in the identity file", async () => {
    const config = join(dir, "edgedesk", "agent.json");
    const identity = { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN };
    await saveIdentity(config, identity);
    const { runner } = startRunner({ identity, configPath: config });
    expect(runner.allowNonAdminConfig).toBe(false);
    const c = await within(server.nextControl(), "a control connection");

    server.send(c, { type: "settings", allowNonAdminConfig: true });
    await until(() => runner.allowNonAdminConfig);
    await until(() => readFileSync(config, "utf8").includes('"allowNonAdminConfig": true'), "the setting on disk");
    expect(await loadIdentity(config)).toEqual({ ...identity, allowNonAdminConfig: true });
    expect(statSync(config).mode & 0o777).toBe(0o600);

    server.send(c, { type: "settings", allowNonAdminConfig: false });
    await until(() => !runner.allowNonAdminConfig);
    await until(() => readFileSync(config, "utf8").includes('"allowNonAdminConfig": false'), "the setting on disk");
  });

  it("reports installed in the hello when the agent runs as a service", async () => {
    startRunner({ installed: true, screenshotIntervalMs: 0 });
    const c = await within(server.nextControl(), "a control connection");
    await until(() => c.hellos.length > 0);
    expect(c.hellos[0]!.installed).toBe(true);
  });

  it.skipIf(!root)("an installed root agent takes a user's config file over unless non-admins may configure it", async () => {
    const edir = join(dir, "edgedesk");
    mkdirSync(edir);
    const config = join(edir, "agent.json");
    const identity = { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN };
    writeFileSync(config, JSON.stringify(identity), { mode: 0o644 });
    chownSync(edir, 1234, 1234);
    chownSync(config, 1234, 1234);

    // Not installed: the file stays its owner's, private.
    expect(await protectFor(config, identity, { installed: false })).toBe("owner-only");
    expect(statSync(config)).toMatchObject({ uid: 1234 });
    expect(statSync(config).mode & 0o777).toBe(0o600);
    // Installed, non-admins allowed: unchanged ownership.
    expect(await protectFor(config, { ...identity, allowNonAdminConfig: true }, { installed: true })).toBe("owner-only");
    expect(statSync(config)).toMatchObject({ uid: 1234 });
    // Installed, not allowed: root's file in root's directory.
    expect(await protectFor(config, { ...identity, allowNonAdminConfig: false }, { installed: true })).toBe("root-only");
    expect(statSync(config)).toMatchObject({ uid: 0, gid: 0 });
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(edir)).toMatchObject({ uid: 0 });
    expect(statSync(edir).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!root)("an installed root agent refuses a configuration another user could replace on the way to it", async () => {
    const identity = { server: server.origin, computerId: COMPUTER_ID, agentToken: AGENT_TOKEN, allowNonAdminConfig: false };
    const configIn = (...parts: string[]) => {
      const edir = join(dir, ...parts, "edgedesk");
      mkdirSync(edir, { recursive: true });
      const config = join(edir, "agent.json");
      writeFileSync(config, JSON.stringify(identity), { mode: 0o600 });
      return config;
    };
    // Under a user's home (~/.config/edgedesk): the user can rename .config and put their own.
    const home = configIn("home", "user", ".config");
    chownSync(join(dir, "home", "user"), 1234, 1234);
    await expect(protectFor(home, identity, { installed: true })).rejects.toThrow(/belongs to uid 1234, who can replace .*\.config/);
    // In a directory every user may write (not sticky): anyone can swap edgedesk/.
    const open = configIn("open");
    chmodSync(join(dir, "open"), 0o777);
    await expect(protectFor(open, identity, { installed: true })).rejects.toThrow(/writable by other users/);
    // Sticky (as /tmp) above root's own directory: others cannot rename root's entries.
    const sticky = configIn("sticky", "inner");
    chmodSync(join(dir, "sticky"), 0o1777);
    expect(await protectFor(sticky, identity, { installed: true })).toBe("root-only");
    // But not as the file's own directory (--config /tmp/agent.json): another user could have
    // made the file first; nor a user's own directory in it (they may rename their entries).
    mkdirSync(join(dir, "tmp-like"));
    chmodSync(join(dir, "tmp-like"), 0o1777);
    const tmpLike = join(dir, "tmp-like", "agent.json");
    writeFileSync(tmpLike, JSON.stringify(identity), { mode: 0o600 });
    await expect(protectFor(tmpLike, identity, { installed: true })).rejects.toThrow(/writable by other users/);
    const usersOwn = configIn("sticky-too", "inner");
    chmodSync(join(dir, "sticky-too", "inner"), 0o1777);
    chownSync(join(dir, "sticky-too", "inner", "edgedesk"), 1234, 1234);
    await expect(protectFor(usersOwn, identity, { installed: true })).rejects.toThrow(/inner is writable by other users, who can replace .*edgedesk/);
    // Root's all the way up (/etc/edgedesk, or the test's directory under /tmp): taken.
    const etc = configIn("etc");
    expect(await protectFor(etc, identity, { installed: true })).toBe("root-only");
    // Through a symbolic link: its target is root's, but the link could be pointed elsewhere.
    symlinkSync(join(dir, "etc"), join(dir, "via-link"));
    await expect(protectFor(join(dir, "via-link", "edgedesk", "agent.json"), identity, { installed: true })).rejects.toThrow(/symbolic link/);
    // "Non-admins may configure it" comes from the file judged: it does not let a user's home pass.
    await expect(protectFor(home, { ...identity, allowNonAdminConfig: true }, { installed: true })).rejects.toThrow(/uid 1234/);
    // Not installed (the agent runs as the user): nothing to judge.
    expect(await protectFor(home, identity, { installed: false })).toBe("owner-only");
  });
});
