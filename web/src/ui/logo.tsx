/** The Edgedesk mark: a screen with an edge-to-edge signal. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" class="logo-mark">
      <rect x="2" y="5" width="28" height="19" rx="4" fill="currentColor" />
      <path d="M9 17.5l4.5-4.5 3.5 3.5 6-6" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" />
      <rect x="11" y="26" width="10" height="2.5" rx="1.25" fill="currentColor" />
    </svg>
  );
}

export function Wordmark() {
  return (
    <span class="wordmark">
      <Logo />
      <span>Edgedesk</span>
    </span>
  );
}
