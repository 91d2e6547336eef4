// Promise wrappers over the callback-style `x11` client, kept apart so the source
// files read as capture/damage/input logic rather than plumbing.
import x11, { type XClient, type XDisplay } from "x11";
import type { ShmProvider } from "x11/lib/shm-provider.js";

export type { XClient, XDisplay };

/** `shm`: the MIT-SHM segment provider (default: the package's built-in one). */
export function connectX11(display: string, shm?: ShmProvider): Promise<XDisplay> {
  return new Promise((resolve, reject) => {
    const client = x11.createClient(shm ? { display, shm } : { display }, (err, d) => (err ? reject(err) : resolve(d)));
    // Errors before setup completes arrive through the callback; afterwards the
    // source installs its own handler. Until then, never crash on an emitted error.
    client.on("error", () => {});
  });
}

/** Loads an extension; undefined when the server lacks it. */
export function requireExtension<T = any>(X: XClient, name: string): Promise<T | undefined> {
  return new Promise((resolve) => {
    try {
      X.require(name, (err: Error | null, ext: T) => resolve(err ? undefined : ext));
    } catch {
      resolve(undefined);
    }
  });
}

/** Calls a request that has a reply. */
export function call<T>(X: XClient, request: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    X[request](...args, (err: Error | null, value: T) => (err ? reject(err) : resolve(value)));
  });
}
