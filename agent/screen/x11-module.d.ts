// The parts of the untyped `x11` package (pure-JS X11 client) the agent uses.
declare module "x11" {
  import type { EventEmitter } from "node:events";

  export type XCallback<T> = (err: Error | null | undefined, value: T) => unknown;

  export interface XVisual {
    red_mask: number;
    green_mask: number;
    blue_mask: number;
  }

  export interface XScreen {
    root: number;
    pixel_width: number;
    pixel_height: number;
    root_depth: number;
    root_visual: number;
    depths: Record<number, Record<number, XVisual>>;
  }

  export interface XClient extends EventEmitter {
    AllocID(): number;
    // Every request is a method taking the request's fields and, for those with a
    // reply, a callback; the package generates them, so they are typed loosely here.
    [request: string]: any;
  }

  export interface XDisplay {
    screen: XScreen[];
    client: XClient;
    min_keycode: number;
    max_keycode: number;
    image_byte_order: number;
    format: Record<number, { bits_per_pixel: number; scanline_pad: number }>;
    isLocalSocket: boolean;
  }

  const x11: {
    createClient(options: { display?: string; shm?: boolean | import("x11/lib/shm-provider.js").ShmProvider }, cb: XCallback<XDisplay>): XClient;
  };
  export default x11;
}

// The package's MIT-SHM segment provider (see its lib/shm-provider.js for the contract).
declare module "x11/lib/shm-provider.js" {
  export type ShmProviderSegment = { size: number; fd: number; buffer: Buffer };
  export type ShmProvider = {
    flavor: "fd";
    zeroCopy: boolean;
    create(size: number): ShmProviderSegment;
    commit(seg: ShmProviderSegment, offset?: number, length?: number): void;
    sync(seg: ShmProviderSegment, offset?: number, length?: number): void;
    destroy(seg: ShmProviderSegment): void;
  };
  /** Null where plain Node cannot back a segment (no writable /dev/shm). */
  export function createBuiltinProvider(): ShmProvider | null;
}
