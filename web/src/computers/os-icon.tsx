import type { OperatingSystem } from "../../../protocol/api";
import type { JSX } from "preact";
import { t } from "../i18n/i18n";

export function osName(os: OperatingSystem): string {
  return t(`computers.os.${os}`);
}

// Simple, recognisable glyphs drawn on a 24-unit grid; colour comes from CSS (currentColor).
const glyphs: Record<OperatingSystem, JSX.Element> = {
  windows: (
    <path d="M3 5.2l7.4-1v7.2H3V5.2zm8.4-1.2L21 2.7v8.7h-9.6V4zM3 12.6h7.4v7.2l-7.4-1v-6.2zm8.4 0H21v8.7l-9.6-1.3v-7.4z" />
  ),
  macos: (
    <path d="M16.4 12.7c0-2.4 2-3.6 2.1-3.7-1.2-1.7-3-1.9-3.6-2-1.5-.2-3 .9-3.8.9s-2-.9-3.3-.9A4.9 4.9 0 0 0 3.7 9.5c-1.8 3.1-.5 7.7 1.3 10.2.9 1.2 1.9 2.6 3.2 2.6 1.3-.1 1.8-.8 3.3-.8s2 .8 3.3.8c1.4 0 2.3-1.3 3.1-2.5a11 11 0 0 0 1.4-2.9 4.4 4.4 0 0 1-2.9-4.2zM14 5.4A4.4 4.4 0 0 0 15 2.2a4.5 4.5 0 0 0-2.9 1.5 4.2 4.2 0 0 0-1.1 3.1A3.7 3.7 0 0 0 14 5.4z" />
  ),
  linux: (
    <path d="M12 2c-2.2 0-3.6 1.8-3.6 4.4 0 1.3.3 2.2-.5 3.5-1 1.6-2.6 3.5-2.6 6 0 .8.2 1.5.5 2.1-.7.3-1.6.6-1.6 1.5 0 1 1.3 1.2 2.4 1.4 1 .2 1.8.9 2.6.9.8 0 1.3-.5 1.5-1h2.6c.2.5.7 1 1.5 1 .8 0 1.6-.7 2.6-.9 1.1-.2 2.4-.4 2.4-1.4 0-.9-.9-1.2-1.6-1.5.3-.6.5-1.3.5-2.1 0-2.5-1.6-4.4-2.6-6-.8-1.3-.5-2.2-.5-3.5C15.6 3.8 14.2 2 12 2zm-1.4 3.6c.5 0 .8.5.8 1.1 0 .3-.1.5-.2.7l-.6.2c.1-.1.2-.4.2-.7 0-.4-.2-.6-.4-.6s-.4.3-.4.7l.1.4-.5.2-.1-.6c0-.8.5-1.4 1.1-1.4zm2.8 0c.6 0 1.1.6 1.1 1.4l-.1.6-.5-.2.1-.4c0-.4-.2-.7-.4-.7s-.4.2-.4.6c0 .3.1.6.2.7l-.6-.2a1.4 1.4 0 0 1-.2-.7c0-.6.3-1.1.8-1.1zM12 8.3c.7 0 2.1.6 2.1 1 0 .3-1.3 1.3-2.1 1.3S9.9 9.6 9.9 9.3c0-.4 1.4-1 2.1-1zm-2.3 3.1c.7.5 1.5.8 2.3.8s1.6-.3 2.3-.8c.6 1.2 1.5 2.6 1.5 4.3 0 .6-.1 1.2-.4 1.7H8.6a3.4 3.4 0 0 1-.4-1.7c0-1.7.9-3.1 1.5-4.3z" />
  ),
  other: (
    <path d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-6v2h3v2H7v-2h3v-2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 2v9h16V6H4z" />
  ),
};

export function OsGlyph({ os, size = 20 }: { os: OperatingSystem; size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} fill="currentColor" role="img" aria-label={osName(os)}>
      {glyphs[os]}
    </svg>
  );
}

/**
 * The OS icon (F2.6), drawn by CSS (a row repeats it a thousand times). With `onOpen` it is a
 * button that opens the system information (F2.8).
 */
export function OsIcon({ os, onOpen }: { os: OperatingSystem; onOpen?: () => void }) {
  const name = osName(os);
  if (!onOpen) return <span class={`os-icon os-${os} g-${os}`} role="img" aria-label={name} title={name} />;
  return (
    <button
      type="button"
      class={`os-icon os-${os} g-${os}`}
      data-os={os}
      title={t("computers.os.systemInfoTitle", { os: name })}
      aria-label={t("computers.os.systemInfoLabel", { os: name })}
      onClick={onOpen}
    />
  );
}
