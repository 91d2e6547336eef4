// The e-mails, in the recipient's language (worker/mail/mail-texts.ts): each as plain text and
// as simple HTML with the same content.
import { DEFAULT_LANGUAGE, type Language } from "../../protocol/languages";
import type { MailMessage } from "./message";
import { mailTexts } from "./mail-texts";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Fills {{name}} placeholders; in HTML the text is escaped and the values are given as HTML. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

function fillHtml(template: string, htmlValues: Record<string, string>): string {
  return fill(escapeHtml(template), htmlValues);
}

function link(href: string, label = href): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

function layout(language: Language, title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px">${p}</p>`).join("");
  return `<!doctype html><html lang="${language}"><body style="font-family:system-ui,sans-serif;color:#1f2937;max-width:560px;margin:24px auto"><h2 style="margin:0 0 16px">${escapeHtml(title)}</h2>${body}</body></html>`;
}

function passwordMail(
  to: string,
  password: string,
  cabinetUrl: string,
  language: Language,
  m: { subject: string; intro: string; signIn: string; activation: string; passwordLabel: string; notYou: string },
): MailMessage {
  const loginUrl = `${cabinetUrl}/login`;
  const text = [
    m.intro,
    "",
    fill(m.signIn, { url: loginUrl }),
    m.activation,
    "",
    // One line, "Label: password", which people copy from (and the tests read).
    `${m.passwordLabel}: ${password}`,
    "",
    m.notYou,
  ].join("\n");
  const html = layout(language, m.subject, [
    escapeHtml(m.intro),
    `${fillHtml(m.signIn, { url: link(loginUrl, cabinetUrl) })} ${escapeHtml(m.activation)}`,
    `${escapeHtml(m.passwordLabel)}: <b style="font-family:monospace;font-size:16px">${escapeHtml(password)}</b>`,
    escapeHtml(m.notYou),
  ]);
  return { to, subject: m.subject, text, html };
}

/** F1.1 (and F1.3, for an account made by signing in with a provider): the generated password. */
export function welcomeMail(to: string, password: string, cabinetUrl: string, language: Language = DEFAULT_LANGUAGE): MailMessage {
  return passwordMail(to, password, cabinetUrl, language, mailTexts[language].welcome);
}

/**
 * F1.3: the password of an account a provider sign-in created (already active). `verified`:
 * the provider said the address is verified; otherwise the mail says how to take the account
 * back from whoever used the address there.
 */
export function providerWelcomeMail(to: string, password: string, cabinetUrl: string, provider: string, verified: boolean, language: Language = DEFAULT_LANGUAGE): MailMessage {
  const m = mailTexts[language].providerWelcome;
  const named = (t: string) => t.replaceAll("{{provider}}", provider);
  const notYou = fill(named(verified ? m.notYou : m.notYouUnverified), { url: `${cabinetUrl}/recover` });
  return passwordMail(to, password, cabinetUrl, language, { ...m, intro: named(m.intro), signIn: named(m.signIn), notYou });
}

/** F1.3: a provider identity was connected to the account; `identity` is its address ("" if the provider gave none). */
export function providerConnectedMail(to: string, provider: string, identity: string, cabinetUrl: string, language: Language = DEFAULT_LANGUAGE): MailMessage {
  const m = mailTexts[language].providerConnected;
  const values = { provider, email: identity, url: `${cabinetUrl}/recover` };
  const lines = [fill(m.intro, values), ...(identity ? [fill(m.identity, values)] : []), fill(m.notYou, values)];
  const subject = fill(m.subject, values);
  return { to, subject, text: lines.join("\n\n"), html: layout(language, subject, lines.map(escapeHtml)) };
}

/**
 * Registration with an address that already has an active account. The page answers the
 * same either way (no enumeration); only the owner of the mailbox learns the difference.
 */
export function alreadyRegisteredMail(to: string, cabinetUrl: string, language: Language = DEFAULT_LANGUAGE): MailMessage {
  const m = mailTexts[language].alreadyRegistered;
  const loginUrl = `${cabinetUrl}/login`;
  const text = [m.intro, "", fill(m.signIn, { url: loginUrl }), m.notYou].join("\n");
  const html = layout(language, m.subject, [escapeHtml(m.intro), fillHtml(m.signIn, { url: link(loginUrl, cabinetUrl) }), escapeHtml(m.notYou)]);
  return { to, subject: m.subject, text, html };
}

/** F1.5: the recovery link. It does not say whether other addresses have accounts. */
export function recoveryMail(to: string, resetLink: string, language: Language = DEFAULT_LANGUAGE): MailMessage {
  const m = mailTexts[language].recovery;
  const text = [m.intro, "", fill(m.choose, { link: resetLink }), "", m.notYou].join("\n");
  const html = layout(language, m.subject, [escapeHtml(m.intro), fillHtml(m.chooseHtml, { link: link(resetLink, m.linkLabel) }), escapeHtml(m.notYou)]);
  return { to, subject: m.subject, text, html };
}
