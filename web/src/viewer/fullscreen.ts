// Full screen for the connection window, with the keyboard to the remote computer: in full
// screen the browser's own shortcuts (Ctrl+W closing the tab, Ctrl+T, Ctrl+N, Escape leaving
// full screen) would otherwise take keys the user meant for the remote. The Keyboard Lock API
// hands them to the page while the window is in full screen (Chromium-based browsers; where
// it is missing, full screen works as before); Escape held down still leaves it.

/** navigator.keyboard (Keyboard Lock); not in TypeScript's DOM types. */
type KeyboardLock = { lock(codes?: string[]): Promise<void>; unlock(): void };

function keyboardLock(): KeyboardLock | undefined {
  return (navigator as Navigator & { keyboard?: KeyboardLock }).keyboard;
}

/** Enters full screen with `element` and locks the keyboard to the page, or leaves it. */
export async function toggleFullscreen(element: HTMLElement): Promise<void> {
  if (document.fullscreenElement) return document.exitFullscreen();
  await element.requestFullscreen();
  // A refused lock leaves plain full screen: the window works as before.
  await keyboardLock()?.lock().catch(() => undefined);
}

/**
 * Lets the keyboard go when full screen ends however it ended (the button, Escape held down,
 * F11): a lock left set would come back the next time the page goes full screen for any reason.
 */
export function unlockOnFullscreenExit(): () => void {
  const onChange = () => {
    if (!document.fullscreenElement) keyboardLock()?.unlock();
  };
  document.addEventListener("fullscreenchange", onChange);
  return () => {
    document.removeEventListener("fullscreenchange", onChange);
    keyboardLock()?.unlock(); // the window goes: its lock with it
  };
}
