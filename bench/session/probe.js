// Injected into both viewer pages (Edgedesk's connection window and the noVNC page) before
// their own scripts run, so its capture-phase keydown listener fires before the viewer's.
// Plain browser JavaScript on purpose: it is passed to addInitScript as text.
(() => {
  const B = {};
  window.__bench = B;

  // Every WebSocket message's arrival, seen before the viewer's own handler (registered
  // first): splits a latency into "until the bytes arrived" and "arrival to pixels", and
  // counts payload bytes as a cross-check of the DevTools count.
  B.wsBytes = 0;
  B.lastArrival = 0;
  const NativeWebSocket = window.WebSocket;
  // A plain function returning the native socket: the viewers see a real WebSocket (noVNC
  // checks the prototype's own properties).
  function BenchWebSocket(...args) {
    const ws = new NativeWebSocket(...args);
    ws.addEventListener("message", (e) => {
      const d = e.data;
      const n = typeof d === "string" ? new TextEncoder().encode(d).length : d.byteLength !== undefined ? d.byteLength : d.size;
      B.wsBytes += n;
      if (n >= 16) B.wsMessages = (B.wsMessages || 0) + 1;
      const a = armed;
      if (a && a.t0 && !a.arrival && n >= 16) a.arrival = performance.now();
    });
    return ws;
  }
  BenchWebSocket.prototype = NativeWebSocket.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) BenchWebSocket[k] = NativeWebSocket[k];
  window.WebSocket = BenchWebSocket;

  const canvasOf = (sel) => document.querySelector(sel);
  const grab = (canvas, r) => new Uint32Array(canvas.getContext("2d").getImageData(r.x, r.y, r.w, r.h).data.buffer);
  const differs = (a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
    return false;
  };

  // Keystroke-to-pixel latency. arm() snapshots a region of the canvas; the next keydown
  // starts a MessageChannel polling loop (each check is its own task, so the viewer's
  // WebSocket and decode tasks interleave with it) that stops at the first changed pixel.
  // A check runs on the main thread, where all canvas drawing happens, so a change seen
  // by a check happened before that check began: its start time is the arrival time.
  let armed = null;
  B.arm = (sel, r, timeoutMs) => {
    const canvas = canvasOf(sel);
    const a = { canvas, r, base: grab(canvas, r), t0: 0, timeoutMs: timeoutMs || 3000, checks: 0 };
    a.promise = new Promise((resolve) => (a.resolve = resolve));
    armed = a;
    B.pending = a.promise;
  };
  B.result = () => B.pending;
  addEventListener(
    "keydown",
    () => {
      const a = armed;
      if (!a || a.t0) return;
      a.t0 = performance.now();
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        const now = performance.now();
        a.checks++;
        if (differs(grab(a.canvas, a.r), a.base)) {
          armed = null;
          ch.port1.close();
          a.resolve({ ms: now - a.t0, arrivalMs: a.arrival ? a.arrival - a.t0 : -1, checks: a.checks });
          return;
        }
        if (now - a.t0 > a.timeoutMs) {
          armed = null;
          ch.port1.close();
          a.resolve({ ms: -1, arrivalMs: -1, checks: a.checks });
          return;
        }
        ch.port2.postMessage(0);
      };
      ch.port2.postMessage(0);
    },
    true,
  );

  // Frames delivered to the canvas: on every animation frame, sample a few small regions
  // and count, per region, how often its pixels changed. The figure is the median region's
  // count (a viewer that paints a frame in stripes is not credited once per stripe).
  let fps = null;
  B.fpsStart = (sel, regions) => {
    const canvas = canvasOf(sel);
    B.wsMessages = 0;
    const f = { canvas, regions, last: regions.map((r) => grab(canvas, r)), counts: regions.map(() => 0), ticks: 0, t0: performance.now(), on: true };
    fps = f;
    const tick = () => {
      if (!f.on) return;
      f.ticks++;
      f.regions.forEach((r, i) => {
        const cur = grab(f.canvas, r);
        if (differs(cur, f.last[i])) {
          f.counts[i]++;
          f.last[i] = cur;
        }
      });
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  B.fpsStop = () => {
    const f = fps;
    f.on = false;
    const seconds = (performance.now() - f.t0) / 1000;
    return { counts: f.counts, ticks: f.ticks, seconds, messages: B.wsMessages };
  };
})();
