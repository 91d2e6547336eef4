import { describe, expect, it } from "vitest";
import { activeUser, api } from "./helpers";

type ErrorJson = { error: { code: string; message: string } };

describe("bad input gets a 4xx with a clear error, never a 500", () => {
  it.each([
    ["an empty body", "/api/auth/register", undefined, "bad_request"],
    ["a text/plain body", "/api/auth/login", "email=x", "unsupported_media_type", "text/plain", 415],
    ["malformed JSON", "/api/auth/register", "{not json", "bad_request"],
    ["a JSON array", "/api/auth/register", [], "invalid_input"],
    ["a bad e-mail", "/api/auth/register", { email: "not-an-email" }, "invalid_input"],
    ["an over-long e-mail", "/api/auth/register", { email: `${"a".repeat(250)}@example.com` }, "invalid_input"],
    ["an unknown field", "/api/auth/register", { email: "x@example.com", admin: true }, "invalid_input"],
    ["a number for the e-mail", "/api/auth/login", { email: 42, password: "x" }, "invalid_input"],
    ["an empty password", "/api/auth/login", { email: "x@example.com", password: "" }, "invalid_input"],
    ["an over-long password", "/api/auth/login", { email: "x@example.com", password: "p".repeat(201) }, "invalid_input"],
  ])("%s", async (_label, path, body, code, contentType = "application/json", status = 400) => {
    const res = await api(path, { method: "POST", body: body ?? "", headers: { "Content-Type": contentType } });
    expect(res.status).toBe(status);
    const json = (await res.json()) as ErrorJson;
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(5);
    expect(JSON.stringify(json)).not.toMatch(/at .*\.ts|stack/i);
  });

  it("names the field and the rule", async () => {
    const res = await api("/api/auth/register", { body: { email: "nope" } });
    expect(((await res.json()) as ErrorJson).error.message).toBe("email: Enter a valid e-mail address.");
  });

  it("names the field once in query and profile messages", async () => {
    const u = await activeUser("once");
    const history = await api("/api/history?from=x", { cookie: u.cookie });
    expect(history.status).toBe(400);
    expect(((await history.json()) as ErrorJson).error.message).toBe("from: Use an ISO date-time.");
    const profile = await api("/api/me", { method: "PATCH", body: { country: "Germany" }, cookie: u.cookie });
    expect(((await profile.json()) as ErrorJson).error.message).toBe("country: Use a two-letter country code such as DE.");
  });

  it("refuses bodies over 64 KiB with 413", async () => {
    const res = await api("/api/auth/register", { body: { email: "x".repeat(70_000) } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorJson).error.code).toBe("payload_too_large");
  });

  it("validates path parameters and update bodies", async () => {
    const u = await activeUser("inputs");
    const badId = await api("/api/computers/not-a-uuid", { cookie: u.cookie });
    expect(badId.status).toBe(400);
    const id = crypto.randomUUID();
    for (const body of [{ name: "" }, { name: "x".repeat(65) }, { name: "tab\there" }, { group: 7 }, { color: "red" }]) {
      const res = await api(`/api/computers/${id}`, { method: "PATCH", body, cookie: u.cookie });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const res = await api("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.code).toBe("not_found");
  });
});
