// Loads one of the agent's native addons (agent/native/<dir>, built by npm's postinstall via
// build.mjs). Each is optional: a caller that gets undefined takes its fallback.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cache = new Map<string, { addon?: unknown; error?: string }>();

/** The addon agent/native/<dir>/build/Release/<file>.node, or undefined when it is not built or did not load. */
export function loadAddon<T>(dir: string, file: string): T | undefined {
  return entry(dir, file).addon as T | undefined;
}

/** Why loadAddon gave undefined, for the agent's log: "not built", or the loader's error (e.g. a missing symbol). */
export function addonError(dir: string, file: string): string | undefined {
  return entry(dir, file).error;
}

function entry(dir: string, file: string): { addon?: unknown; error?: string } {
  const key = `${dir}/${file}`;
  let found = cache.get(key);
  if (!found) {
    try {
      found = { addon: require(`./${dir}/build/Release/${file}.node`) };
    } catch (err) {
      const notBuilt = (err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
      found = { error: notBuilt ? "not built" : String(err) };
    }
    cache.set(key, found);
  }
  return found;
}
