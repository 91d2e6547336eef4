import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

// Colours of the installed app: the brand blue of web/src/styles.css (--primary, also the
// <meta name="theme-color">) for the title bar, --bg for the splash screen.
const THEME_COLOR = "#2453d6";
const BACKGROUND_COLOR = "#f4f6fa";

/** iOS reads its home-screen icon from a <link>, not from the manifest. */
function appleTouchIcon(): Plugin {
  return {
    name: "edgedesk-apple-touch-icon",
    transformIndexHtml: () => [{ tag: "link", attrs: { rel: "apple-touch-icon", href: "/apple-touch-icon.png" }, injectTo: "head" }],
  };
}

// The cabinet is a static SPA: the Worker serves web/dist as assets with the SPA fallback
// (wrangler.toml [assets]), so every path not under /api or /dev lands on index.html.
export default defineConfig({
  root: webRoot,
  plugins: [
    preact(),
    appleTouchIcon(),
    // PWA (F9): web/dist/manifest.webmanifest (linked from index.html) and web/dist/sw.js, a
    // Workbox service worker that precaches the app shell — index.html, every built script and
    // stylesheet, the icons — and answers navigations with index.html when offline. It has no
    // runtime caching at all: /api/*, /dev/* (and the API docs under /api) are never cached
    // and never answered by the fallback; WebSockets never pass through a service worker.
    // src/pwa/register.ts registers it (injectRegister: false).
    VitePWA({
      injectRegister: false,
      registerType: "autoUpdate",
      strategies: "generateSW",
      filename: "sw.js",
      manifestFilename: "manifest.webmanifest",
      includeAssets: [],
      // The glob below already takes the icons and the manifest; listing them twice only repeats entries.
      includeManifestIcons: false,
      manifest: {
        id: "/computers",
        name: "Edgedesk",
        short_name: "Edgedesk",
        description: "Reach your computers from any browser.",
        lang: "en",
        start_url: "/computers",
        scope: "/",
        display: "standalone",
        orientation: "any",
        theme_color: THEME_COLOR,
        background_color: BACKGROUND_COLOR,
        categories: ["productivity", "utilities"],
        icons: [
          { src: "/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
          { src: "/favicon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
        ],
      },
      workbox: {
        // (vite-plugin-pwa adds manifest.webmanifest itself.)
        globPatterns: ["**/*.{html,js,css,svg,png}"],
        // Swagger UI (copied in after the build, ~1.5 MB) belongs to the API docs, not the shell.
        globIgnores: ["vendor/**"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/dev(\/|$)/],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        // One file, no separate workbox-<hash>.js to keep in step.
        inlineWorkboxRuntime: true,
        sourcemap: false,
      },
    }),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Keep the initial payload to one script and one stylesheet.
    modulePreload: { polyfill: false },
  },
  server: {
    // `vite dev` for UI work: API calls go to a running `wrangler dev`.
    proxy: { "/api": { target: "http://127.0.0.1:8787", ws: true }, "/dev": "http://127.0.0.1:8787" },
  },
});
