// Two languages through the real UI: switching the profile to German switches the cabinet at
// once (computers, menu, history, dates) and it stays German after a reload; a signed-out page
// follows the browser's language; a German registration gets German mail and a German account;
// a German user's recovery mail is German whatever the browser asking for it speaks.
import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import {
  apiFetch,
  connectAgent,
  createAccount,
  endHistorySession,
  linkComputer,
  readLinkFromOutbox,
  startHistorySession,
  updateProfile,
  waitForComputer,
  type Account,
} from "./backend";
import { usePage } from "./browser-fixture";
import { readPasswordFromOutbox, screenshot, uniqueEmail } from "./harness";
import type { User } from "../../protocol/api";
import { de } from "../../web/src/i18n/de";
import { en } from "../../web/src/i18n/en";

const fixture = usePage();
const baseUrl = fixture.baseUrl;

type OutboxMail = { to: string; subject: string; text: string; html: string };
async function newestMailTo(email: string, subject: string): Promise<OutboxMail> {
  await expect
    .poll(async () => ((await (await fetch(`${baseUrl}/dev/mail.json`)).json()) as OutboxMail[]).find((m) => m.to === email)?.subject, { timeout: 15_000 })
    .toBe(subject);
  return ((await (await fetch(`${baseUrl}/dev/mail.json`)).json()) as OutboxMail[]).find((m) => m.to === email)!;
}

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

describe("the catalogs", () => {
  // WCAG 2.5.3 (label in name): a button whose aria-label replaces its visible text must say
  // those words too, or "click Mehr" (speech input) finds nothing: German's "Mehr" was named
  // "Weitere Bedienelemente", its "Tastatur" "Bildschirmtastatur anzeigen".
  test("a button's accessible name holds the words it shows, in every language", () => {
    const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (const c of [en, de]) {
      for (const [shown, name] of [
        [c.viewer.more, c.viewer.moreLabel],
        [c.viewer.keyboard, c.viewer.keyboardLabel],
      ] as const) {
        expect(words(name), `${name} names the button showing ${shown}`).toEqual(expect.arrayContaining(words(shown)));
      }
    }
  });
});

describe("the cabinet in German", () => {
  test("switching the language in the profile switches the UI at once, and a reload keeps it", { timeout: 120_000 }, async () => {
    const page = fixture.page;
    const account: Account = await createAccount(baseUrl, "deutsch");
    const cookie = await fixture.signInBrowser(account);
    // A computer with one finished session, so the list and the history have rows to word.
    const linked = await linkComputer(baseUrl, account, { name: "Büro-PC", os: "windows", installed: true });
    const agent = await connectAgent(baseUrl, linked, { name: "Büro-PC", os: "windows", installed: true });
    try {
      await waitForComputer(baseUrl, cookie, linked.computerId, (c) => c.online);
      await endHistorySession(baseUrl, cookie, await startHistorySession(baseUrl, cookie, linked.computerId));

      await page.goto("/computers");
      await page.getByRole("heading", { name: "Computers", level: 1 }).waitFor();
      expect(await htmlLang(page)).toBe("en");

      await page.getByRole("button", { name: `Account: ${account.email}` }).click();
      await page.getByRole("menuitem", { name: "Profile…" }).click();
      await fixture.expectPath("/profile");
      await page.getByLabel("Language").selectOption("de");
      await page.getByRole("button", { name: "Save settings" }).click();

      // At once, without a reload: the profile page, the menu and the page title are German.
      await page.getByRole("heading", { name: "Profil", level: 1 }).waitFor();
      await page.getByRole("status").filter({ hasText: "Einstellungen gespeichert." }).waitFor();
      await page.getByRole("button", { name: "Einstellungen speichern" }).waitFor();
      expect(await page.getByLabel("Zeitzone").count()).toBe(1);
      expect(await htmlLang(page)).toBe("de");
      await expect.poll(() => page.title()).toBe("Profil · Edgedesk");
      const nav = page.getByRole("navigation", { name: "Hauptmenü" });
      // (Fernwartung carries a soft hyphen for narrow menus.)
      for (const label of ["Computer", /^Fern\u00AD?wartung/, "Branding", "Verlauf"]) await nav.getByRole("link", { name: label }).waitFor();
      expect(await nav.textContent()).toContain("Bald");
      await screenshot(page, "i18n-profile-de");

      // The computers page: heading, summary, column heads, the list controls, the row's action.
      await nav.getByRole("link", { name: "Computer" }).click();
      await fixture.expectPath("/computers");
      await page.getByRole("heading", { name: "Computer", level: 1 }).waitFor();
      await page.getByText("1 Computer, 1 online").waitFor();
      const head = page.locator(".computer-list-head");
      await expect(head.textContent()).resolves.toMatch(/Standort[\s\S]*Letzte Verbindung/);
      await page.getByRole("combobox", { name: "Sortieren" }).waitFor();
      await page.getByRole("button", { name: "Kachelansicht" }).waitFor();
      const row = page.locator(`[data-computer-id="${linked.computerId}"]`);
      await row.getByRole("link", { name: "Verbinden" }).waitFor();
      await row.getByRole("button", { name: "Aktionen für Büro-PC" }).click();
      await page.getByRole("menuitem", { name: "Systeminformationen" }).waitFor();
      await page.getByRole("menuitem", { name: "Einstellungen…" }).waitFor();
      await page.keyboard.press("Escape");

      // The profile menu.
      await page.getByRole("button", { name: `Konto: ${account.email}` }).click();
      const menu = page.getByRole("menu", { name: "Profil" });
      for (const item of ["Profil…", "Passwort ändern", "Abmelden"]) await menu.getByRole("menuitem", { name: item }).waitFor();
      await page.keyboard.press("Escape");
      await screenshot(page, "i18n-computers-de");

      // The history: words, and dates written the German way (25.11.2026, 24-hour times).
      await nav.getByRole("link", { name: "Verlauf" }).click();
      await fixture.expectPath("/history");
      await page.getByRole("heading", { name: "Verlauf", level: 1 }).waitFor();
      const first = page.locator(".history-table tbody tr").first();
      await first.waitFor();
      const text = (await first.textContent()) ?? "";
      expect(text).toContain("Ausgehend");
      expect(text).toContain("Kundenbereich");
      expect(text).toContain("Büro-PC");
      expect(await first.locator(".history-date").innerText()).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
      expect(await first.locator(".history-time").innerText()).toMatch(/^\d{2}:\d{2}$/);
      await page.getByRole("columnheader", { name: "Beginn" }).waitFor();
      await page.getByRole("button", { name: "Aktualisieren" }).waitFor();
      await screenshot(page, "i18n-history-de");

      // After a reload: German from the first paint (the session check waits for the catalog).
      await page.reload();
      await page.getByRole("heading", { name: "Verlauf", level: 1 }).waitFor();
      expect(await htmlLang(page)).toBe("de");
      await page.goto("/computers");
      await page.getByRole("heading", { name: "Computer", level: 1 }).waitFor();
      expect(await page.getByRole("heading", { name: "Computers", level: 1 }).count()).toBe(0);

      // And back: "same as the browser" is English again here, at once.
      await page.goto("/profile");
      await page.getByLabel("Sprache").selectOption("");
      await page.getByRole("button", { name: "Einstellungen speichern" }).click();
      await page.getByRole("heading", { name: "Profile", level: 1 }).waitFor();
      await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
      expect(await htmlLang(page)).toBe("en");
    } finally {
      await agent.close();
    }
  });

  test("errors are German too: the server's (English on the wire, by its code) and the app's own", async () => {
    const account = await createAccount(baseUrl, "deutsch-fehler");
    // Signed out in a German browser: a wrong password.
    const login = await fixture.newPage({ locale: "de-DE" });
    await login.goto("/login");
    await login.getByLabel("E-Mail").fill(account.email);
    await login.getByLabel("Passwort", { exact: true }).fill("nicht-das-passwort");
    await login.getByRole("button", { name: "Anmelden" }).click();
    await login.getByRole("alert").filter({ hasText: "Die E-Mail-Adresse oder das Passwort ist nicht korrekt." }).waitFor();

    // Signed in with German in the profile, in an English browser: the account deletion's check.
    const page = fixture.page;
    const cookie = await fixture.signInBrowser(account);
    await updateProfile(baseUrl, cookie, { language: "de" });
    await page.goto("/profile");
    await page.getByRole("heading", { name: "Profil", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Konto löschen" }).click();
    const dialog = page.getByRole("dialog", { name: "Konto löschen" });
    await dialog.getByLabel("Aktuelles Passwort").fill("nicht-das-passwort");
    await dialog.getByRole("button", { name: "Mein Konto löschen" }).click();
    await dialog.getByRole("alert").filter({ hasText: "Das Passwort ist nicht korrekt. Ihr Konto wurde nicht gelöscht." }).waitFor();
  });
});

describe("German on a phone", () => {
  test("the longer German words still fit a 360 px screen: no sideways scrolling", async () => {
    const account = await createAccount(baseUrl, "deutsch-handy");
    const page = await fixture.newPage({ viewport: { width: 360, height: 740 }, locale: "de-DE", hasTouch: true, isMobile: true });
    const cookie = await fixture.signInBrowser(account, page.context());
    await updateProfile(baseUrl, cookie, { language: "de" });
    const laptop = await linkComputer(baseUrl, account, { name: "Laptop im Homeoffice", os: "linux", installed: true });
    for (const [path, heading] of [
      ["/computers", "Computer"],
      ["/history", "Verlauf"],
      ["/profile", "Profil"],
    ] as const) {
      await page.goto(path);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
      expect(width, path).toBeLessThanOrEqual(360);
      await screenshot(page, `i18n-phone${path.replace("/", "-")}`);
    }
    // The connection window's bar stays one row in German too ("Sitzung beenden", "Tastatur").
    await page.goto(`/connect/${laptop.computerId}`);
    await page.getByRole("button", { name: "Sitzung beenden" }).waitFor();
    expect((await page.locator(".viewer-bar").boundingBox())!.height).toBeLessThan(56);
    expect(await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth))).toBeLessThanOrEqual(360);
    await screenshot(page, "i18n-phone-connect");
  });
});

describe("signed out", () => {
  test("a German browser gets the German login page; an English one the English page", async () => {
    const german = await fixture.newPage({ locale: "de-DE" });
    await german.goto("/login");
    await german.getByRole("heading", { name: "Bei Edgedesk anmelden" }).waitFor();
    await german.getByRole("button", { name: "Anmelden" }).waitFor();
    await german.getByLabel("Passwort", { exact: true }).waitFor();
    await german.getByRole("link", { name: "Passwort vergessen?" }).waitFor();
    expect(await htmlLang(german)).toBe("de");
    await screenshot(german, "i18n-login-de");

    await fixture.page.goto("/login");
    await fixture.page.getByRole("heading", { name: "Sign in to Edgedesk" }).waitFor();
    expect(await htmlLang(fixture.page)).toBe("en");
  });

  test("registering from a German browser: German pages, a German mail, a German account", { timeout: 90_000 }, async () => {
    const page = await fixture.newPage({ locale: "de-DE" });
    const email = uniqueEmail("neu");
    await page.goto("/register");
    await page.getByRole("heading", { name: "Erstellen Sie Ihr Konto" }).waitFor();
    await page.getByLabel("E-Mail").fill(email);
    await page.getByRole("button", { name: "Passwort zusenden" }).click();
    await page.getByRole("heading", { name: "Sehen Sie in Ihr Postfach" }).waitFor();
    expect(await page.getByRole("status").innerText()).toBe(`Wir haben ein Passwort an ${email} gesendet.`);

    // Chromium with a de-DE locale asks in German (Accept-Language): the mail is German.
    const mail = await newestMailTo(email, "Ihr Edgedesk-Konto");
    expect(mail.text).toContain("Willkommen bei Edgedesk.");
    const password = await readPasswordFromOutbox(baseUrl, email);

    await page.getByRole("link", { name: "Zur Anmeldung" }).click();
    await page.getByLabel("Passwort", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.getByRole("heading", { name: "Wählen Sie Ihr Passwort" }).waitFor();
    await page.getByLabel("Passwort aus der E-Mail").fill(password);
    await page.getByLabel("Neues Passwort", { exact: true }).fill("ein-gutes-passwort-42");
    await page.getByLabel("Neues Passwort wiederholen").fill("ein-gutes-passwort-43");
    await page.getByRole("button", { name: "Speichern und weiter" }).click();
    await page.getByRole("alert").filter({ hasText: "Die beiden neuen Passwörter stimmen nicht überein." }).waitFor();
  });
});

describe("e-mail in the recipient's language", () => {
  test("a German user's recovery mail is German, even when asked for from an English browser", async () => {
    const page = fixture.page;
    const account = await createAccount(baseUrl, "wiederherstellung");
    const cookie = (await apiFetch(baseUrl, "/api/auth/login", { method: "POST", body: account })).headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .join("; ");
    const user = await updateProfile(baseUrl, cookie, { language: "de" });
    expect(user).toMatchObject<Partial<User>>({ language: "de" });

    await page.goto("/recover");
    await page.getByLabel("E-mail").fill(account.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();

    const mail = await newestMailTo(account.email, "Edgedesk-Passwort zurücksetzen");
    expect(mail.text).toContain("Jemand (hoffentlich Sie) hat angefordert, das Passwort dieses Edgedesk-Kontos zurückzusetzen.");
    expect(mail.text).toMatch(/Wählen Sie hier ein neues Passwort \(der Link funktioniert einmal und eine Stunde lang\): http/);
    expect(mail.html).toContain("Neues Passwort wählen</a>");
    // The link in it works like the English one.
    expect(await readLinkFromOutbox(baseUrl, account.email, "/reset-password?token=")).toMatch(/token=/);
  });
});
