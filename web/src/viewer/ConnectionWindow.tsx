import { useSignal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { keysymFor } from "./keysyms";
import { ViewerSession, type ViewerState } from "./viewer-session";
import "./viewer.css";

const STATE_LABEL: Record<ViewerState, string> = {
  starting: "Starting",
  connecting: "Connecting",
  waiting: "Waiting for the computer",
  live: "Connected",
  ended: "Ended",
  offline: "Offline",
  error: "Error",
};

/** Browser buttons (0 left, 1 middle, 2 right) -> protocol button bits. */
function buttonMask(buttons: number): number {
  // MouseEvent.buttons: bit0 left, bit1 right, bit2 middle; the protocol: bit0 left, bit1 middle, bit2 right.
  return (buttons & 1) | ((buttons & 4) >> 1) | ((buttons & 2) << 1);
}

/** The connection window (F6.1): the remote screen on a canvas, with mouse and keyboard. */
export function ConnectionWindow({ computerId }: { computerId: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const [session, setSession] = useState<ViewerSession | null>(null);
  const fit = useSignal(true);

  useEffect(() => {
    const s = new ViewerSession(computerId, canvasRef.current!);
    setSession(s);
    void s.start();
    const onUnload = () => s.close();
    addEventListener("beforeunload", onUnload);
    return () => {
      removeEventListener("beforeunload", onUnload);
      s.close();
    };
  }, [computerId]);

  useEffect(() => {
    if (session?.computerName.value) document.title = `${session.computerName.value} · Edgedesk`;
  }, [session?.computerName.value]);

  const toRemote = (e: MouseEvent) => {
    const c = canvasRef.current!;
    const r = c.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * c.width) / r.width, y: ((e.clientY - r.top) * c.height) / r.height };
  };

  const onPointer = (e: PointerEvent) => {
    if (!session) return;
    e.preventDefault();
    if (e.type === "pointerdown") canvasRef.current!.focus();
    const { x, y } = toRemote(e);
    session.pointer(x, y, buttonMask(e.buttons));
  };

  const onWheel = (e: WheelEvent) => {
    if (!session) return;
    e.preventDefault();
    const { x, y } = toRemote(e);
    // One step per notch whatever the browser's delta unit.
    session.wheel(x, y, Math.sign(e.deltaX), Math.sign(e.deltaY));
  };

  const onKey = (e: KeyboardEvent) => {
    if (!session) return;
    const keysym = keysymFor(e);
    if (keysym === undefined) return;
    e.preventDefault();
    session.key(keysym, e.type === "keydown");
  };

  const fullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void rootRef.current?.requestFullscreen();
  };

  const state = session?.state.value ?? "starting";
  const showOverlay = state !== "live";
  const canRetry = state === "ended" || state === "offline" || state === "error";

  return (
    <div class="viewer" ref={rootRef}>
      <header class="viewer-bar">
        <strong class="viewer-title">{session?.computerName.value || "Connecting…"}</strong>
        <span class={`viewer-state viewer-state-${state}`} data-testid="viewer-state">
          {STATE_LABEL[state]}
        </span>
        <span class="viewer-stats" data-testid="viewer-stats">
          {session?.fps.value ?? 0} fps · RTT {session?.rttMs.value ?? "–"} ms
        </span>
        <span class="viewer-spacer" />
        <button type="button" onClick={() => session?.ctrlAltDel()} disabled={state !== "live"}>
          Ctrl+Alt+Del
        </button>
        <button type="button" onClick={() => (fit.value = !fit.value)} aria-pressed={!fit.value}>
          {fit.value ? "1:1" : "Fit"}
        </button>
        <button type="button" onClick={fullscreen}>
          Fullscreen
        </button>
      </header>
      <div class={`viewer-screen ${fit.value ? "viewer-fit" : "viewer-actual"}`}>
        <canvas
          ref={canvasRef}
          tabIndex={0}
          data-testid="remote-screen"
          onPointerDown={onPointer}
          onPointerUp={onPointer}
          onPointerMove={onPointer}
          onWheel={onWheel}
          onKeyDown={onKey}
          onKeyUp={onKey}
          onContextMenu={(e) => e.preventDefault()}
        />
        {showOverlay && (
          <div class="viewer-overlay" role="status">
            <p>{session?.message.value ?? "Starting the session…"}</p>
            {canRetry && (
              <button type="button" class="primary" onClick={() => void session?.retry()}>
                Retry
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
