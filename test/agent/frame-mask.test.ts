// The stream socket's masking key (agent/stream/frame-mask.ts): zero over TLS and on loopback,
// random elsewhere; and what a zero key means on the wire, read from a raw TCP peer.
import { createHash } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { maskingFor } from "../../agent/stream/frame-mask";

describe("maskingFor", () => {
  it("zero-masks over TLS and on loopback, and keeps random keys for cleartext to other hosts", () => {
    for (const url of ["wss://edgedesk.example/stream", "ws://127.0.0.1:8787/s", "ws://127.1.2.3/s", "ws://localhost:8787/s", "ws://[::1]:8787/s"]) {
      expect(maskingFor(url).generateMask, url).toBeTypeOf("function");
    }
    for (const url of ["ws://edgedesk.example/stream", "ws://10.0.0.5:8787/s", "ws://127.0.0.1.example/s"]) {
      expect(maskingFor(url), url).toEqual({});
    }
  });
});

/** A WebSocket peer at the byte level: answers the handshake, then hands over the raw frame bytes. */
function rawPeer(): Promise<{ url: string; frame: Promise<Buffer>; close(): void }> {
  return new Promise((resolve) => {
    let frameResolve: (b: Buffer) => void;
    const frame = new Promise<Buffer>((r) => (frameResolve = r));
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      let buf = Buffer.alloc(0);
      let upgraded = false;
      socket.on("data", (d) => {
        buf = Buffer.concat([buf, d]);
        if (!upgraded) {
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) return;
          const key = /sec-websocket-key: *(\S+)/i.exec(buf.subarray(0, end).toString())![1]!;
          const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
          socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
          upgraded = true;
          buf = buf.subarray(end + 4);
        }
        // 2 header bytes + 2 length bytes (126 <= payload < 65536) + 4 mask bytes + payload.
        if (buf.length >= 8 && buf.length >= 8 + buf.readUInt16BE(2)) frameResolve(buf);
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `ws://127.0.0.1:${port}/stream`, frame, close: () => (sockets.forEach((s) => s.destroy()), server.close()) });
    });
  });
}

describe("a zero-masked frame on the wire", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it("carries the mask bit, a zero key and the payload as it is", async () => {
    const peer = await rawPeer();
    const ws = new WebSocket(peer.url, { perMessageDeflate: false, ...maskingFor(peer.url) });
    cleanup = () => (ws.terminate(), peer.close());
    await new Promise((r) => ws.once("open", r));
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    ws.send(payload, { binary: true });
    const frame = await peer.frame;
    expect(frame[0]).toBe(0x82); // FIN, binary
    expect(frame[1]).toBe(0x80 | 126); // masked, 16-bit length
    expect(frame.readUInt16BE(2)).toBe(payload.length);
    expect([...frame.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(frame.subarray(8, 8 + payload.length).equals(payload)).toBe(true);
  });
});
