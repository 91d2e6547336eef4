// The agent's CPU per update for the session bench's full-screen scenarios, without the relay
// or the browser: Xvfb at 1920x1080, the bench's painter (pan or cuts, 30 fps), the agent's
// X11 source and stream session in a child process, and a local viewer that acks each update
// after a delay, the way a browser that draws at that pace would.
//   npx tsx bench/session/profile-stream.ts [pan|cuts] [ack delay ms, default 200] [--prof DIR] [--pread] [--sharp] [--zlib] [--js-hashes] [--full-size]
// 200 ms with 3 updates in flight gives the ~14 updates/s the browser takes in the session
// bench. --prof writes the child's V8 CPU profile to DIR. --pread reads the SHM segment with
// pread instead of mapping it (the agent without its shm-map addon); --sharp encodes JPEGs with
// sharp (the agent without its jpeg addon); --zlib deflates with node:zlib (without its deflate
// addon); --js-hashes hashes rows in JavaScript (without its row-hashes addon);
// --full-size sends pictures in motion at full size (as at the Best level, without its
// JPEG quality). Not part of the bench's figures:
// it explains them (BENCHMARKS.md), and compares two versions of the agent run after another.
import { fork, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { openX11Source } from "../../agent/screen/x11-source";
import { StreamSession } from "../../agent/stream/stream-session";
import { Encoding, ViewerMsg } from "../../protocol/stream";
import { startViewerServer } from "../../test/agent/helpers/viewer";
import { startXvfb, stopProcess } from "../../test/agent/helpers/xvfb";

const self = fileURLToPath(import.meta.url);
const here = fileURLToPath(new URL(".", import.meta.url));

/** The child: the agent's stream path, reporting its own CPU between "start" and "stop". */
async function child(display: string, url: string, pread: boolean, sharp: boolean, zlib: boolean, fullSize: boolean, jsHashes: boolean): Promise<void> {
  const source = await openX11Source({ display, mapShm: !pread });
  const session = new StreamSession({ url, source, encoder: { nativeJpeg: !sharp, halveMoving: !fullSize, nativeRowHashes: !jsHashes }, nativeDeflate: !zlib });
  let start = process.cpuUsage();
  process.on("message", (m) => {
    if (m === "start") start = process.cpuUsage();
    if (m !== "stop") return;
    const used = process.cpuUsage(start);
    process.send!({ userMs: used.user / 1000, sysMs: used.system / 1000 });
    session.close();
    void source.close().then(() => process.exit(0));
  });
  process.send!("up");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const profAt = args.indexOf("--prof");
  const profDir = profAt >= 0 ? args.splice(profAt, 2)[1] : undefined;
  const preadAt = args.indexOf("--pread");
  const pread = preadAt >= 0 && args.splice(preadAt, 1).length > 0;
  const sharpAt = args.indexOf("--sharp");
  const sharp = sharpAt >= 0 && args.splice(sharpAt, 1).length > 0;
  const zlibAt = args.indexOf("--zlib");
  const zlib = zlibAt >= 0 && args.splice(zlibAt, 1).length > 0;
  const fullAt = args.indexOf("--full-size");
  const fullSize = fullAt >= 0 && args.splice(fullAt, 1).length > 0;
  const jsAt = args.indexOf("--js-hashes");
  const jsHashes = jsAt >= 0 && args.splice(jsAt, 1).length > 0;
  const mode = args[0] === "cuts" ? "cuts" : "pan";
  const ackDelayMs = Number(args[1] ?? 200);
  const xvfb = await startXvfb("1920x1080x24");
  const painter = spawn(process.execPath, [join(here, "painter.mjs"), xvfb.display, "30", join(tmpdir(), "edgedesk-painter-1920x1080.bgrx"), mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const server = await startViewerServer();
  try {
    await new Promise<void>((resolve) => painter.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
    const execArgv = [...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []), "--import", "tsx"];
    const agent = fork(self, ["--child", xvfb.display, server.url, pread ? "pread" : "map", sharp ? "sharp" : "native", zlib ? "zlib" : "native", fullSize ? "full" : "half", jsHashes ? "js" : "native"], { execArgv });
    await new Promise<void>((resolve) => agent.once("message", () => resolve()));
    const viewer = await server.connection;
    let bytes = 0;
    let copies = 0;
    const take = async (ms: number) => {
      const t0 = performance.now();
      let updates = 0;
      while (performance.now() - t0 < ms) {
        const u = await viewer.nextUpdate();
        updates++;
        bytes += u.messages.reduce((n, m) => n + m.byteLength, 0);
        copies += u.frames.flatMap((f) => f.rects).filter((r) => r.encoding === Encoding.Copy).length;
        setTimeout(() => viewer.send({ type: ViewerMsg.Ack, seq: u.frames[0]!.seq }), ackDelayMs);
      }
      return updates;
    };
    await take(1500); // the key frame and the first stand-ins
    bytes = 0;
    copies = 0;
    agent.send("start");
    const updates = await take(5000);
    const cpu = await new Promise<{ userMs: number; sysMs: number }>((resolve) => {
      agent.once("message", (m) => resolve(m as { userMs: number; sysMs: number }));
      agent.send("stop");
    });
    const per = (ms: number) => (ms / updates).toFixed(2);
    console.log(
      `${mode}, acks after ${ackDelayMs} ms: ${(updates / 5).toFixed(1)} updates/s; agent CPU ${per(cpu.userMs + cpu.sysMs)} ms per update ` +
        `(user ${per(cpu.userMs)}, system ${per(cpu.sysMs)}), ${((cpu.userMs + cpu.sysMs) / 5000).toFixed(2)} cores; ` +
        `${(bytes / updates / 1024).toFixed(1)} KiB and ${(copies / updates).toFixed(2)} Copy rects per update`,
    );
  } finally {
    await server.close();
    await stopProcess(painter);
    await xvfb.stop();
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!, process.argv[5] === "pread", process.argv[6] === "sharp", process.argv[7] === "zlib", process.argv[8] === "full", process.argv[9] === "js");
else {
  await main();
  process.exit(0);
}
