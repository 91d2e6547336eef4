// A small router on signals and the history API: the current path is a signal, so any
// component that reads it re-renders on navigation, and the browser's back/forward just work.
import { computed, signal } from "@preact/signals";

export const routes = {
  login: "/login",
  register: "/register",
  changePassword: "/change-password",
  computers: "/computers",
  support: "/support",
  branding: "/branding",
  history: "/history",
  profile: "/profile",
  recover: "/recover",
  resetPassword: "/reset-password",
} as const;

export type RoutePath = (typeof routes)[keyof typeof routes];

const knownPaths = new Set<string>(Object.values(routes));

/** Routes anyone may see; every other route needs a signed-in user. */
export const publicPaths = new Set<string>([routes.login, routes.register, routes.recover, routes.resetPassword]);

function normalize(pathname: string): string {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return trimmed || "/";
}

const location = signal({ path: normalize(window.location.pathname), search: window.location.search });

export const currentPath = computed(() => location.value.path);
export const currentQuery = computed(() => new URLSearchParams(location.value.search));
/** The matched route, or null for "/" and unknown paths (the app redirects those). */
export const currentRoute = computed<RoutePath | null>(() =>
  knownPaths.has(location.value.path) ? (location.value.path as RoutePath) : null,
);

window.addEventListener("popstate", () => {
  location.value = { path: normalize(window.location.pathname), search: window.location.search };
});

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  const next = { path: normalize(url.pathname), search: url.search };
  if (next.path === location.value.path && next.search === location.value.search) return;
  if (options.replace) window.history.replaceState(null, "", url.pathname + url.search);
  else window.history.pushState(null, "", url.pathname + url.search);
  location.value = next;
  if (!options.replace) window.scrollTo(0, 0);
}

/** The connection window's path (its own page, outside this router: main.tsx). */
export const CONNECT_PATH = /^\/connect\/([0-9a-f-]{36})\/?$/;

/**
 * A connection window to go back to after sign-in (its session needed a sign-in again), or
 * null. It is a page of its own, so the caller loads it rather than navigating to it.
 */
export function connectReturnPath(candidate: string | null): string | null {
  return candidate && CONNECT_PATH.test(candidate) ? candidate : null;
}

/** Only same-origin, cabinet-local paths may be used as a post-login destination. */
export function safeReturnPath(candidate: string | null): RoutePath | null {
  if (!candidate || !knownPaths.has(candidate) || publicPaths.has(candidate)) return null;
  return candidate as RoutePath;
}
