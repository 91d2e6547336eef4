// E-mails in the recipient's language: a new registration takes the language its request's
// Accept-Language prefers (and keeps it as the profile language); later mails follow the
// profile; an account without one follows the request. Plus the header parsing itself.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { acceptLanguageTags, languageFromAcceptLanguage } from "../../protocol/languages";
import { mailTexts } from "../../worker/mail/mail-texts";
import { alreadyRegisteredMail, recoveryMail, welcomeMail } from "../../worker/mail/templates";
import { activeUser, api, env, ORIGIN, outbox, recoveryMails, uniqueEmail } from "./helpers";

const GERMAN = "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7";
const ENGLISH = "en-GB,en;q=0.9,de;q=0.5";

async function newestMailTo(email: string) {
  const mail = (await outbox()).find((m) => m.to === email);
  if (!mail) throw new Error(`no mail to ${email}`);
  return mail as { subject: string; text: string; html?: string };
}

const storedLanguage = (email: string) => env.DB.prepare("SELECT language FROM users WHERE email = ?").bind(email).first<string>("language");

describe("Accept-Language", () => {
  it("orders tags by weight, drops q=0 and the wildcard", () => {
    expect(acceptLanguageTags("fr;q=0.3, de-AT , en;q=0.8, *;q=0.1, it;q=0")).toEqual(["de-AT", "en", "fr"]);
    expect(acceptLanguageTags("")).toEqual([]);
    expect(acceptLanguageTags(undefined)).toEqual([]);
  });

  it("is German when the header prefers German to English, else English", () => {
    expect(languageFromAcceptLanguage(GERMAN)).toBe("de");
    expect(languageFromAcceptLanguage("de")).toBe("de");
    expect(languageFromAcceptLanguage("fr-FR,fr;q=0.9,de;q=0.5")).toBe("de");
    expect(languageFromAcceptLanguage(ENGLISH)).toBe("en");
    expect(languageFromAcceptLanguage("en;q=0.5,de;q=0.9")).toBe("de");
    expect(languageFromAcceptLanguage("fr-FR")).toBe("en");
    expect(languageFromAcceptLanguage("*")).toBe("en");
    expect(languageFromAcceptLanguage(null)).toBe("en");
  });
});

describe("templates", () => {
  it("write the same mail in English and German, the German one in Sie-form", () => {
    const en = welcomeMail("ada@example.com", "Secr3tPassw0rd", "https://edgedesk.test", "en");
    const de = welcomeMail("ada@example.com", "Secr3tPassw0rd", "https://edgedesk.test", "de");
    expect(en.subject).toBe("Your Edgedesk account");
    expect(en.text).toMatch(/^Password: Secr3tPassw0rd$/m);
    expect(de.subject).toBe("Ihr Edgedesk-Konto");
    expect(de.text).toMatch(/^Passwort: Secr3tPassw0rd$/m);
    expect(de.text).toContain("Melden Sie sich unter https://edgedesk.test/login");
    expect(de.html).toContain('<html lang="de">');
    expect(de.html).toContain('<a href="https://edgedesk.test/login">https://edgedesk.test</a>');

    const reset = recoveryMail("ada@example.com", "https://edgedesk.test/reset-password?token=a&b", "de");
    expect(reset.subject).toBe("Edgedesk-Passwort zurücksetzen");
    expect(reset.text).toContain("https://edgedesk.test/reset-password?token=a&b");
    // The link is escaped in HTML, the German label is the link's text.
    expect(reset.html).toContain('<a href="https://edgedesk.test/reset-password?token=a&#38;b">Neues Passwort wählen</a>');
    expect(alreadyRegisteredMail("ada@example.com", "https://edgedesk.test", "de").subject).toBe("Sie haben bereits ein Edgedesk-Konto");
  });

  it("English is the default, as before", () => {
    expect(welcomeMail("ada@example.com", "x", "https://edgedesk.test").subject).toBe("Your Edgedesk account");
    expect(recoveryMail("ada@example.com", "https://edgedesk.test/r").subject).toBe("Reset your Edgedesk password");
  });

  it("every language has every text, and none is left empty", () => {
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === "string" ? [k] : keys(v).map((s) => `${k}.${s}`)));
    const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === "string" ? [v] : values(v)));
    expect(keys(mailTexts.de)).toEqual(keys(mailTexts.en));
    for (const text of values(mailTexts.de)) expect(text.trim()).not.toBe("");
  });
});

describe("registration", () => {
  it("a German browser gets a German password mail and German as its profile language", async () => {
    const email = uniqueEmail("german");
    const res = await api("/api/auth/register", { body: { email }, headers: { "Accept-Language": GERMAN } });
    expect(res.status).toBe(202);
    const mail = await newestMailTo(email);
    expect(mail.subject).toBe("Ihr Edgedesk-Konto");
    expect(mail.text).toContain("Willkommen bei Edgedesk.");
    const password = /^Passwort: (\S+)$/m.exec(mail.text)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{14}$/);
    expect(await storedLanguage(email)).toBe("de");

    // The account works with the German mail's password, and the profile says German.
    const login = await api("/api/auth/login", { body: { email, password } });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ user: { language: "de" } });
  });

  it("an English (or unsupported) browser gets English, stored as English", async () => {
    for (const header of [ENGLISH, "fr-FR,fr;q=0.9"]) {
      const email = uniqueEmail("english");
      await api("/api/auth/register", { body: { email }, headers: { "Accept-Language": header } });
      expect((await newestMailTo(email)).subject).toBe("Your Edgedesk account");
      expect(await storedLanguage(email)).toBe("en");
    }
  });

  it("a second registration is answered in the account's language, not the new request's", async () => {
    const email = uniqueEmail("twice-de");
    await api("/api/auth/register", { body: { email }, headers: { "Accept-Language": GERMAN } });
    const password = /^Passwort: (\S+)$/m.exec((await newestMailTo(email)).text)![1]!;
    await api("/api/auth/login", { body: { email, password } });
    await api("/api/auth/register", { body: { email }, headers: { "Accept-Language": ENGLISH } });
    expect((await newestMailTo(email)).subject).toBe("Sie haben bereits ein Edgedesk-Konto");
    // Not overwritten by the second request.
    expect(await storedLanguage(email)).toBe("de");
  });
});

describe("recovery", () => {
  it("is written in the profile's language whatever the request prefers", async () => {
    const u = await activeUser("recover-de");
    expect((await api("/api/me", { method: "PATCH", body: { language: "de" }, cookie: u.cookie })).status).toBe(200);
    expect((await api("/api/auth/recover", { body: { email: u.email }, headers: { "Accept-Language": ENGLISH } })).status).toBe(202);
    const mail = (await recoveryMails(u.email))[0]!;
    expect(mail.subject).toBe("Edgedesk-Passwort zurücksetzen");
    expect(mail.text).toMatch(/Wählen Sie hier ein neues Passwort .*reset-password\?token=/);
  });

  it("follows the request when the profile says \"same as the browser\"", async () => {
    const u = await activeUser("recover-browser");
    await api("/api/me", { method: "PATCH", body: { language: "" }, cookie: u.cookie });
    await api("/api/auth/recover", { body: { email: u.email }, headers: { "Accept-Language": GERMAN } });
    expect((await recoveryMails(u.email))[0]!.subject).toBe("Edgedesk-Passwort zurücksetzen");
    await api("/api/auth/recover", { body: { email: u.email }, headers: { "Accept-Language": ENGLISH } });
    expect((await recoveryMails(u.email, 2))[0]!.subject).toBe("Reset your Edgedesk password");
  });
});

describe("social sign-in", () => {
  it("a new account made from a German browser is German, and so is its password mail", async () => {
    const email = uniqueEmail("google-de");
    await fetch(`http://127.0.0.1:${env.OIDC_TEST_CONTROL_PORT}/`, {
      method: "POST",
      body: JSON.stringify({ sub: `g-${email}`, email, email_verified: true, given_name: "Grete", family_name: "Müller" }),
    });
    const start = await SELF.fetch(`${ORIGIN}/api/auth/oauth/google/start`, { redirect: "manual" });
    const state = /edgedesk_oauth=([^;]*)/.exec(start.headers.get("Set-Cookie") ?? "")?.[1];
    const approved = await fetch(new URL(start.headers.get("Location")!), { redirect: "manual" });
    const callback = new URL(approved.headers.get("Location")!);
    const done = await SELF.fetch(`${ORIGIN}${callback.pathname}${callback.search}`, {
      redirect: "manual",
      headers: { Cookie: `edgedesk_oauth=${state}`, "Accept-Language": GERMAN },
    });
    expect(done.headers.get("Location")).toBe("/computers");
    expect((await newestMailTo(email)).subject).toBe("Ihr Edgedesk-Konto");
    expect(await storedLanguage(email)).toBe("de");
  });
});
