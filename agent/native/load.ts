// Loads one of the agent's native addons (agent/native/<dir>, built by npm's postinstall via
// build.mjs). Each is optional: a caller that gets undefined takes its fallback.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cache = new Map<string, unknown>();

/** The addon agent/native/<dir>/build/Release/<file>.node, or undefined when it is not built (or not for this platform). */
export function loadAddon<T>(dir: string, file: string): T | undefined {
  const key = `${dir}/${file}`;
  if (!cache.has(key)) {
    try {
      cache.set(key, require(`./${dir}/build/Release/${file}.node`));
    } catch {
      cache.set(key, undefined);
    }
  }
  return cache.get(key) as T | undefined;
}
