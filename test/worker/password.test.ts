import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, MAX_WORKERS_ITERATIONS, verifyPassword } from "../../worker/auth/password";

describe("password hashing", () => {
  it("uses the highest PBKDF2 cost production Workers accept, with a per-hash salt", async () => {
    const a = await hashPassword("same password", MAX_WORKERS_ITERATIONS);
    const b = await hashPassword("same password", MAX_WORKERS_ITERATIONS);
    expect(a).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a, MAX_WORKERS_ITERATIONS)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword("other password", a, MAX_WORKERS_ITERATIONS)).toEqual({ ok: false, needsRehash: false });
  });

  it("verifies older, cheaper hashes and asks for a re-hash", async () => {
    const old = await hashPassword("pw", 10_000);
    expect(await verifyPassword("pw", old, MAX_WORKERS_ITERATIONS)).toEqual({ ok: true, needsRehash: true });
  });

  it("refuses garbage in the stored hash instead of throwing", async () => {
    for (const stored of ["", "plain", "pbkdf2-sha256$abc$x$y", "bcrypt$10$x$y", "pbkdf2-sha256$100000$!!$??"]) {
      expect((await verifyPassword("pw", stored, MAX_WORKERS_ITERATIONS)).ok).toBe(false);
    }
  });

  it("generates passwords without look-alike characters", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{14}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
