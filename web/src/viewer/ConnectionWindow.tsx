import { useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { t } from "../i18n/i18n";
import { toggleFullscreen, unlockOnFullscreenExit } from "./fullscreen";
import { commandSwallowsKeyups, HeldKeys, keyId } from "./held-keys";
import { keysymFor } from "./keysyms";
import { qualityOptions } from "./picture-quality";
import { PictureQuality } from "../../../protocol/stream";
import { TextInputKeys } from "./text-input-keys";
import { clampView, TouchInput, UNZOOMED, type View } from "./touch-input";
import { ViewerSession } from "./viewer-session";
import { wheelAxis, wheelSteps, wheelUnitPx } from "./wheel-steps";
import "./viewer.css";

/** Browser buttons (0 left, 1 middle, 2 right) -> protocol button bits. */
function buttonMask(buttons: number): number {
  // MouseEvent.buttons: bit0 left, bit1 right, bit2 middle; the protocol: bit0 left, bit1 middle, bit2 right.
  return (buttons & 1) | ((buttons & 4) >> 1) | ((buttons & 2) << 1);
}

/** The session bar's duration: m:ss, or h:mm:ss from an hour on. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Ctrl+V (Cmd+V on a Mac) and Shift+Insert: the remote app is about to paste. */
function isPasteShortcut(e: KeyboardEvent): boolean {
  return ((e.ctrlKey || e.metaKey) && !e.altKey && e.code === "KeyV") || (e.shiftKey && e.key === "Insert");
}

/** Phones and tablets get the on-screen keyboard button; a desktop has a real keyboard. */
const hasTouch = typeof navigator !== "undefined" && navigator.maxTouchPoints > 0;
/**
 * The screen is worked with fingers (a phone, a tablet): the main pointer is coarse. A
 * touchscreen laptop has touch points too, but its mouse must be able to scroll a 1:1 view.
 */
const fingers = typeof matchMedia !== "undefined" && matchMedia("(pointer: coarse)").matches;

/**
 * The connection window (F6.1): the remote screen on a canvas, with mouse and keyboard, and
 * on a touch screen with gestures (touch-input.ts) and the phone's keyboard (text-input-keys.ts).
 */
export function ConnectionWindow({ computerId }: { computerId: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const keyboardRef = useRef<HTMLInputElement>(null);
  const [session, setSession] = useState<ViewerSession | null>(null);
  const fit = useSignal(true);
  /** Pinch zoom of the view (CSS only: the remote screen keeps its size). */
  const view = useSignal<View>(UNZOOMED);
  const keyboardOpen = useSignal(false);
  /** On a narrow screen the less used controls sit in a menu under "More" (viewer.css). */
  const moreOpen = useSignal(false);
  /** Whether the keyboard was open when the button was pressed (pressing it moves focus). */
  const keyboardWasOpen = useRef(false);

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

  const toRemote = (clientX: number, clientY: number) => {
    const c = canvasRef.current!;
    // The box on screen, zoom included, so a touch on a zoomed view lands where it looks.
    const r = c.getBoundingClientRect();
    return { x: ((clientX - r.left) * c.width) / r.width, y: ((clientY - r.top) * c.height) / r.height };
  };

  const touch = useMemo(
    () =>
      session &&
      new TouchInput({
        toRemote,
        pointer: (x, y, buttons) => session.pointer(x, y, buttons),
        wheel: (x, y, dx, dy) => session.wheel(x, y, dx, dy),
        getView: () => view.peek(),
        setView: (next) => (view.value = next),
        layoutBox: () => {
          const c = canvasRef.current!;
          const r = c.getBoundingClientRect();
          const v = view.peek();
          return { left: r.left - v.x, top: r.top - v.y, width: c.offsetWidth, height: c.offsetHeight };
        },
      }),
    [session],
  );

  const keys = useMemo(() => session && new TextInputKeys((keysym) => session.keyPress(keysym)), [session]);
  const held = useMemo(() => {
    if (!session) return null;
    const mac = commandSwallowsKeyups();
    return new HeldKeys((keysym, down) => session.key(keysym, down), mac, () => mac && session.remoteOs !== "macos");
  }, [session]);
  const wheelAxes = useRef({ x: wheelAxis(), y: wheelAxis() });

  /** The window lost the keyboard (focus moved, Alt+Tab, the tab hidden): nothing stays held on the remote. */
  const letGo = () => {
    held?.releaseAll();
    session?.releaseButtons();
  };
  useEffect(() => {
    const onHidden = () => document.visibilityState === "hidden" && letGo();
    // Text copied on the remote while this window had no focus is written to the clipboard now.
    const onFocus = () => session?.flushClipboard();
    addEventListener("focus", onFocus);
    addEventListener("blur", letGo);
    document.addEventListener("visibilitychange", onHidden);
    return () => {
      removeEventListener("focus", onFocus);
      removeEventListener("blur", letGo);
      document.removeEventListener("visibilitychange", onHidden);
    };
  }, [session, held]);

  /** Typing goes to the remote screen: once live, and again after a toolbar button took the focus. */
  const focusScreen = () => {
    if (document.activeElement !== keyboardRef.current) canvasRef.current?.focus({ preventScroll: true });
  };

  const onPointer = (e: PointerEvent) => {
    if (!session) return;
    if (e.type === "pointerdown" && moreOpen.peek()) {
      // A tap beside the open menu only closes it: it was not meant for the remote screen.
      moreOpen.value = false;
      e.preventDefault();
      return;
    }
    // A gesture: where the browser lets a page write the clipboard only then, remote text waiting goes now.
    if (e.type === "pointerdown") session.flushClipboard();
    if (touch?.handle(e)) return;
    e.preventDefault();
    if (e.type === "pointerdown") {
      // Cmd+click on a remote that is not a Mac: Ctrl+click there (held-keys.ts).
      held?.commandChord(e.metaKey);
      canvasRef.current!.focus();
      // A drag that leaves the canvas still ends here: without the capture the release
      // outside was never seen and the remote kept the button down. Chromium throws when the
      // pointer is no longer active by the time this runs: the press must still go.
      try {
        canvasRef.current!.setPointerCapture(e.pointerId);
      } catch {
        // Without capture a release outside the canvas goes unseen: the next move over it
        // (which carries the buttons held) or the window's blur (letGo) lets go then.
      }
    }
    const { x, y } = toRemote(e.clientX, e.clientY);
    session.pointer(x, y, buttonMask(e.buttons));
  };

  const onWheel = (e: WheelEvent) => {
    if (!session) return;
    e.preventDefault();
    held?.commandChord(e.metaKey); // Cmd+wheel: Ctrl+wheel (zoom) on a remote that is not a Mac
    const unit = wheelUnitPx(e.deltaMode);
    const dx = wheelSteps(wheelAxes.current.x, e.deltaX * unit);
    const dy = wheelSteps(wheelAxes.current.y, e.deltaY * unit);
    if (!dx && !dy) return;
    const { x, y } = toRemote(e.clientX, e.clientY);
    session.wheel(x, y, dx, dy);
  };

  const onKey = (e: KeyboardEvent) => {
    if (!held) return;
    // View only, or no stream (ended, offline, connecting): the browser keeps its own keys,
    // Tab among them, so the keyboard reaches Retry and the bar; nothing goes to the remote.
    const live = !session?.viewOnly.peek() && session?.state.peek() === "live";
    if (e.type === "keyup") {
      held.release(keyId(e), live ? keysymFor(e) : undefined);
      return;
    }
    session?.flushClipboard(); // a gesture (see onPointer)
    if (!live) return;
    const keysym = keysymFor(e);
    if (keysym === undefined) return;
    e.preventDefault();
    if (isPasteShortcut(e) && !e.repeat) session?.pasteFirst();
    held.press(keyId(e), keysym, e.metaKey);
  };

  useEffect(unlockOnFullscreenExit, []);

  const toggleKeyboard = () => {
    const input = keyboardRef.current;
    if (!input) return;
    // Focusing the field from the tap is what makes a phone show its keyboard.
    if (keyboardWasOpen.current) input.blur();
    else input.focus();
  };

  // The remote screen changed size (a resolution change there): a pinch zoom's offsets were
  // for the old one and could show empty space, so the view starts unzoomed.
  const remoteSize = session?.remoteSize.value;
  useEffect(() => {
    view.value = UNZOOMED;
  }, [remoteSize?.width, remoteSize?.height]);

  const state = session?.state.value ?? "starting";
  useEffect(() => {
    if (state === "live") focusScreen();
  }, [state]);
  const showOverlay = state !== "live";
  const running = state === "connecting" || state === "waiting" || state === "live";
  const viewOnly = session?.viewOnly.value ?? false;
  const remoteCursor = session?.cursor.value ?? null;
  const canRetry = state === "ended" || state === "offline" || state === "error";
  const zoom = view.value;
  const zoomed = zoom.scale > 1;
  const monitors = session?.monitors.value ?? null;

  return (
    <div class="viewer" ref={rootRef}>
      <header class="viewer-bar">
        <strong class="viewer-title">{session?.computerName.value || t("viewer.connectingTitle")}</strong>
        <span class={`viewer-state viewer-state-${state}`} data-testid="viewer-state">
          {t(`viewer.states.${state}`)}
        </span>
        <span class="viewer-stats" data-testid="viewer-stats">
          {t("viewer.stats", { fps: session?.fps.value ?? 0, rtt: session?.rttMs.value ?? "–" })}
        </span>
        <span class="viewer-duration" data-testid="viewer-duration" title={t("viewer.durationLabel")} aria-label={`${t("viewer.durationLabel")} ${formatDuration(session?.duration.value ?? 0)}`}>
          {formatDuration(session?.duration.value ?? 0)}
        </span>
        <span class="viewer-spacer" />
        {hasTouch && (
          <button
            type="button"
            aria-label={t("viewer.keyboardLabel")}
            aria-pressed={keyboardOpen.value}
            disabled={state !== "live" || viewOnly}
            onPointerDown={() => (keyboardWasOpen.current = keyboardOpen.peek())}
            onClick={toggleKeyboard}
          >
            {t("viewer.keyboard")}
          </button>
        )}
        {zoomed && (
          <button
            type="button"
            onClick={() => {
              view.value = UNZOOMED;
              focusScreen();
            }}
          >
            {t("viewer.resetZoom")}
          </button>
        )}
        <button
          type="button"
          class="viewer-more-toggle"
          aria-label={t("viewer.moreLabel")}
          aria-expanded={moreOpen.value}
          aria-controls="viewer-more"
          onClick={() => (moreOpen.value = !moreOpen.value)}
        >
          {t("viewer.more")}
        </button>
        {/* A chosen control closes the menu (not a click that opens the select's list). */}
        <div
          id="viewer-more"
          class={`viewer-more${moreOpen.value ? " viewer-more-open" : ""}`}
          onClick={(e) => {
            if ((e.target as Element).closest("button")) moreOpen.value = false;
          }}
        >
          <select
            class="viewer-quality"
            disabled={!session?.agentExtras.value}
            aria-label={t("viewer.qualityLabel")}
            title={t("viewer.qualityLabel")}
            onChange={(e) => {
              session?.setQuality(Number(e.currentTarget.value) as PictureQuality);
              moreOpen.value = false;
              focusScreen();
            }}
          >
            {qualityOptions.map((o) => (
              <option key={o.level} value={o.level} selected={o.level === (session?.quality.value ?? PictureQuality.Balanced)}>
                {t(o.label)}
              </option>
            ))}
          </select>
          {monitors && monitors.monitors.length > 1 && (
            <select
              class="viewer-monitor"
              aria-label={t("viewer.monitorLabel")}
              title={t("viewer.monitorLabel")}
              onChange={(e) => {
                const value = e.currentTarget.value;
                session?.setMonitor(value === "all" ? null : Number(value));
                // Shown as chosen once the agent says so (a watcher's choice is not taken).
                e.currentTarget.value = monitors.shown === null ? "all" : String(monitors.shown);
                moreOpen.value = false;
                focusScreen();
              }}
            >
              <option value="all" selected={monitors.shown === null}>
                {t("viewer.monitorAll")}
              </option>
              {monitors.monitors.map((m, i) => (
                <option key={i} value={String(i)} selected={monitors.shown === i}>
                  {t("viewer.monitorN", { n: i + 1, width: m.w, height: m.h })}
                </option>
              ))}
            </select>
          )}
          <button
            type="button"
            aria-pressed={viewOnly}
            title={t("viewer.viewOnlyLabel")}
            onClick={() => {
              // Whatever is held goes up before input stops, or it would stay down remotely.
              if (!viewOnly) letGo();
              // A gesture in progress started under the other mode: it starts afresh.
              touch?.reset();
              session?.setViewOnly(!viewOnly);
              focusScreen();
            }}
          >
            {t("viewer.viewOnly")}
          </button>
          <button
            type="button"
            onClick={() => {
              session?.ctrlAltDel();
              focusScreen();
            }}
            disabled={state !== "live" || viewOnly}
          >
            {t("viewer.ctrlAltDel")}
          </button>
          <button
            type="button"
            onClick={() => {
              if (fingers) {
                // Fingers on the canvas are the remote's mouse, so a larger canvas could not be
                // scrolled: on a touch screen 1:1 is the zoom at which one remote pixel is one
                // CSS pixel, which a pinch pans like any zoom (and Fit undoes).
                const c = canvasRef.current!;
                view.value = zoomed ? UNZOOMED : clampView({ scale: c.width / c.offsetWidth, x: 0, y: 0 }, c.offsetWidth, c.offsetHeight);
              } else {
                fit.value = !fit.value;
                view.value = UNZOOMED;
              }
              focusScreen();
            }}
            aria-pressed={fingers ? zoomed : !fit.value}
          >
            {(fingers ? !zoomed : fit.value) ? t("viewer.actualSize") : t("viewer.fit")}
          </button>
          <button
            type="button"
            onClick={() => {
              void toggleFullscreen(rootRef.current!).catch(() => undefined); // refused: the window stays as it is
              focusScreen();
            }}
          >
            {t("viewer.fullscreen")}
          </button>
        </div>
        <button type="button" class="viewer-end" disabled={!running} onClick={() => void session?.end()}>
          {t("viewer.end")}
        </button>
      </header>
      {/* Live regions present from the start: a screen reader reads what changes in one, not
          one that appears already filled (as the overlay and the notice below do). */}
      <p class="visually-hidden" role="status" data-testid="viewer-status">
        {session?.message.value ?? t("viewer.starting")}
      </p>
      <p class="visually-hidden" aria-live="polite">
        {session?.notice.value ?? ""}
      </p>
      {session?.notice.value && (
        <p class="viewer-notice" data-testid="viewer-notice">
          {session.notice.value}
        </p>
      )}
      <div class={`viewer-screen ${fit.value ? "viewer-fit" : "viewer-actual"}${zoomed ? " viewer-zoomed" : ""}${viewOnly ? " viewer-view-only" : ""}`}>
        <canvas
          ref={canvasRef}
          tabIndex={0}
          role="application"
          aria-label={t("viewer.screenLabel")}
          aria-roledescription={t("viewer.screenRole")}
          data-testid="remote-screen"
          style={{
            ...(zoomed ? { transform: `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})` } : {}),
            // The remote pointer's shape (F6.1); view-only keeps its not-allowed pointer.
            ...(remoteCursor && !viewOnly ? { cursor: remoteCursor } : {}),
          }}
          onPointerDown={onPointer}
          onPointerUp={onPointer}
          onPointerMove={onPointer}
          onPointerCancel={(e) => touch?.handle(e)}
          onWheel={onWheel}
          onKeyDown={onKey}
          onKeyUp={onKey}
          onBlur={letGo}
          onContextMenu={(e) => e.preventDefault()}
        />
        {showOverlay && (
          <div class="viewer-overlay">
            <p>{session?.message.value ?? t("viewer.starting")}</p>
            {canRetry && (
              <button type="button" class="primary" onClick={() => void session?.retry()}>
                {t("viewer.retry")}
              </button>
            )}
          </div>
        )}
      </div>
      {/* What the phone's keyboard types into; its changes are sent as keys (text-input-keys.ts). */}
      <input
        ref={keyboardRef}
        class="viewer-keyboard-input"
        type="text"
        data-testid="keyboard-input"
        aria-label={t("viewer.keyboardInput")}
        autoComplete="off"
        autoCapitalize="off"
        autocorrect="off"
        spellcheck={false}
        enterKeyHint="enter"
        onFocus={(e) => {
          if (keys) e.currentTarget.value = keys.reset();
          keyboardOpen.value = true;
        }}
        onBlur={() => (keyboardOpen.value = false)}
        onInput={(e) => {
          const next = keys?.changed(e.currentTarget.value, (e as unknown as InputEvent).isComposing);
          if (next != null) e.currentTarget.value = next;
        }}
        onKeyDown={(e) => {
          if (!keys?.keydown(e)) return;
          e.preventDefault();
          // Enter ends the line: start the next one from an empty field.
          if (e.key === "Enter") e.currentTarget.value = keys.reset();
        }}
      />
    </div>
  );
}
