// The agent's native addon (agent/native/shm-map): a /dev/shm file mapped shared, as the
// MIT-SHM segment the X server writes captures into. Built by npm's postinstall on Linux.
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadMapSegment } from "../../agent/native/shm-map";

describe.skipIf(process.platform !== "linux")("shm-map addon", () => {
  const fds: number[] = [];
  const segmentFile = () => {
    const path = `/dev/shm/edgedesk-test-${process.pid}-${fds.length}`;
    const fd = openSync(path, "w+", 0o600);
    unlinkSync(path);
    fds.push(fd);
    return fd;
  };
  afterEach(() => {
    for (const fd of fds.splice(0)) closeSync(fd);
  });

  it("is built, and maps a file shared: what the file holds is the buffer, both ways", () => {
    const map = loadMapSegment();
    expect(map).toBeTypeOf("function");
    const fd = segmentFile();
    const buffer = new Uint8Array(map!(fd, 64 * 1024));
    expect(buffer.byteLength).toBe(64 * 1024);
    expect(fstatSync(fd).size).toBe(64 * 1024); // allocated up front
    writeSync(fd, Uint8Array.of(7, 8, 9), 0, 3, 40_000); // as the X server writes a capture
    expect([...buffer.subarray(40_000, 40_003)]).toEqual([7, 8, 9]);
    buffer[123] = 42;
    const back = new Uint8Array(1);
    readSync(fd, back, 0, 1, 123);
    expect(back[0]).toBe(42);
  });

  it("refuses a size /dev/shm cannot hold with an error, not a crash on first touch", () => {
    const fd = segmentFile();
    expect(() => loadMapSegment()!(fd, 2 ** 42)).toThrow(/No space left on device|File too large/);
  });

  it("refuses what is not a file descriptor and a size", () => {
    const map = loadMapSegment()!;
    expect(() => map(-1, 4096)).toThrow(TypeError);
    expect(() => map(segmentFile(), 0)).toThrow(TypeError);
    expect(() => (map as unknown as (a: string) => ArrayBuffer)("x")).toThrow(TypeError);
  });
});
