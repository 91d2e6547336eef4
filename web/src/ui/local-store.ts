// localStorage for the choices the app remembers (language, list view, picture quality,
// monitor). Storage can be switched off or full (privacy settings, quota): reading then gives
// null and writing does nothing, so a choice lasts for the tab instead of breaking the page.

export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key`; null removes it. */
export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Switched off or full: the choice stays in memory only.
  }
}
