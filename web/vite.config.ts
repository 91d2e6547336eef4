import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

// The cabinet is a static SPA: the Worker serves web/dist as assets with the SPA fallback
// (wrangler.toml [assets]), so every path not under /api or /dev lands on index.html.
export default defineConfig({
  root: webRoot,
  plugins: [preact()],
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
