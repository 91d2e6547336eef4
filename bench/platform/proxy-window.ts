// Why the relay figures use a window of 15 messages, not 16: wrangler dev's proxy workerd
// forwards an upgraded WebSocket with splice() (socket -> pipe -> socket), and Linux's
// splice_to_socket() (fs/splice.c, since 6.5) sets MSG_MORE on a send that fills its 16-entry
// bio_vec array even when nothing is left behind it: the loop stops before counting the 16th
// pipe buffer as consumed, so the pipe still "has more". With exactly 16 (or 32, ...) small
// messages waiting, each in its own pipe buffer, the last batch is corked and reaches the
// viewer only when the kernel gives up waiting, ~200 ms later. A deployed Worker has no such
// proxy; this measures it, window by window, on the same relay:
//   npx tsx bench/platform/proxy-window.ts [rounds, default 5] [windows, default 8,15,16,17,32] [bytes, default 64]
// Not part of the bench's figures (BENCHMARKS.md explains them with its output).
import { createAccount, signIn } from "../../test/e2e/backend";
import { startWorker } from "../../test/e2e/harness";
import { throughput } from "./load";
import { EdgedeskSessions } from "./pairs";

const rounds = Number(process.argv[2] ?? 5);
const windows = (process.argv[3] ?? "8,15,16,17,32").split(",").map(Number);
const bytes = Number(process.argv[4] ?? 64);

const worker = await startWorker();
try {
  const account = await createAccount(worker.url, "proxy-window");
  const sessions = await EdgedeskSessions.create(worker.url, account, await signIn(worker.url, account));
  const pair = await sessions.openPair();
  const stalled = new Map<number, { runs: number; stalls: number; msgPerSec: number[] }>(windows.map((w) => [w, { runs: 0, stalls: 0, msgPerSec: [] }]));
  try {
    for (let round = 1; round <= rounds; round++) {
      // Window sizes alternate within a round, so the machine's noise falls on all of them.
      for (const w of windows) {
        const t = await throughput(pair, bytes, w, 1000);
        const s = stalled.get(w)!;
        s.runs++;
        s.stalls += t.stalls;
        s.msgPerSec.push(t.msgsPerSec);
        console.log(`round ${round}, window ${w}: ${t.msgsPerSec.toFixed(0)} msg/s, ${t.stalls} stalls >= 100 ms (${t.stallMs.toFixed(0)} ms)`);
      }
    }
  } finally {
    await pair.close();
    await sessions.close();
  }
  for (const [w, s] of stalled) {
    const sorted = [...s.msgPerSec].sort((a, b) => a - b);
    console.log(`window ${w}: ${s.stalls} stalls in ${s.runs} runs of 1 s, median ${sorted[sorted.length >> 1]!.toFixed(0)} msg/s`);
  }
} finally {
  await worker.stop();
}
process.exit(0);
