// Registers the service worker that web/vite.config.ts builds (vite-plugin-pwa, generateSW):
// it precaches the app shell so the cabinet opens offline and never touches /api, /dev or
// session traffic. Only in built apps (there is no sw.js under `vite dev`), after the page has
// loaded so the registration never competes with the first render. A failure is not the
// user's problem: the cabinet works the same without it.
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error: unknown) => {
      console.warn("Edgedesk: service worker registration failed", error);
    });
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
