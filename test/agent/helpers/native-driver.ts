// Runs the native (node-screenshots + libnut) backend in its own process against an X
// display and prints what it observed as JSON. A separate process because Xlib inside
// libnut exits the whole process when its display goes away, which must not be the
// test runner. Usage: tsx native-driver.ts OUT_FILE (DISPLAY set by the caller).
import { existsSync } from "node:fs";
import type { Rect } from "../../../protocol/stream";
import { openNativeSource } from "../../../agent/screen/native-source";
import { call, connectX11 } from "../../../agent/screen/x11-connection";
import { firstDifference } from "./compose";
import { xwdRoot } from "./xwd";

const out = process.argv[2]!;
const display = process.env.DISPLAY!;
const source = await openNativeSource({ pollIntervalMs: 30 });
const x = await connectX11(display);
const root = x.screen[0]!.root;

const capture = await source.capture();
const captureDiff = firstDifference(capture.data, xwdRoot(display).data);

source.pointer(150, 150, 0);
const p = await call<{ rootX: number; rootY: number }>(x.client, "QueryPointer", root);

const damage: Rect[] = [];
source.onDamage((rects) => damage.push(...rects));
await new Promise((r) => setTimeout(r, 100)); // first poll = baseline
// libnut types text on X11 through the unshifted key only, so the command avoids
// shifted punctuation here (Windows and macOS type any character as Unicode). "X"
// goes through the key path with Shift.
for (const ch of `touch ${out}X`) {
  source.key(ch.codePointAt(0)!, true);
  source.key(ch.codePointAt(0)!, false);
}
source.key(0xff0d, true);
source.key(0xff0d, false);
const deadline = Date.now() + 5000;
while (!existsSync(`${out}X`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 200));
const typed = existsSync(`${out}X`);
// On a loaded machine the first poll (the baseline) can come after the typing; one more
// key on the prompt then is a change the poller must see.
if (damage.length === 0) {
  source.key(0x20, true);
  source.key(0x20, false);
  const until = Date.now() + 3000;
  while (damage.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

const seen = { width: source.width, height: source.height, captureDiff, pointer: [p.rootX, p.rootY], typed, damaged: damage.length > 0 };
process.stdout.write(`${JSON.stringify(seen)}\n`);
await source.close();
x.client.terminate();
process.exit(0);
