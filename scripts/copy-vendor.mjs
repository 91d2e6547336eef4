// Copies third-party browser assets that the Worker's pages reference into the web build,
// so /api/docs works without reaching a CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve("swagger-ui-dist/package.json"));
const out = join(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), "..", "web", "dist", "vendor", "swagger-ui");
mkdirSync(out, { recursive: true });
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css"]) copyFileSync(join(swaggerDir, f), join(out, f));
console.log(`copied swagger-ui into ${out}`);
