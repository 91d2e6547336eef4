// Loads one of the agent's native addons (agent/native/<dir>, built by npm's postinstall via
// build.mjs). Each is optional: a caller that gets undefined takes its fallback.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cache = new Map<string, { addon?: unknown; error?: string }>();

/**
 * The addon agent/native/<dir>/build/Release/<file>.node, or undefined when it is not built,
 * did not load, or failed `check` (run once, on first load: an addon can load and still fail
 * at its first call, e.g. built against headers of another library version than the one loaded).
 */
export function loadAddon<T>(dir: string, file: string, check?: (addon: T) => void): T | undefined {
  return entry(dir, file, check as ((addon: unknown) => void) | undefined).addon as T | undefined;
}

/** Why loadAddon gave undefined, for the agent's log: "not built", or the loader's error (e.g. a missing symbol). */
export function addonError(dir: string, file: string): string | undefined {
  return entry(dir, file).error;
}

function entry(dir: string, file: string, check?: (addon: unknown) => void): { addon?: unknown; error?: string } {
  const key = `${dir}/${file}`;
  let found = cache.get(key);
  if (!found) {
    try {
      const addon: unknown = require(`./${dir}/build/Release/${file}.node`);
      try {
        check?.(addon);
        found = { addon };
      } catch (err) {
        found = { error: `loaded, but failed its first call: ${String(err)}` };
      }
    } catch (err) {
      const notBuilt = (err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
      found = { error: notBuilt ? "not built" : String(err) };
    }
    cache.set(key, found);
  }
  return found;
}
