import type { MailMessage } from "./message";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function layout(title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px">${p}</p>`).join("");
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2937;max-width:560px;margin:24px auto"><h2 style="margin:0 0 16px">${escapeHtml(title)}</h2>${body}</body></html>`;
}

/** F1.1: the generated password. The line "Password: …" is what people (and the tests) look for. */
export function welcomeMail(to: string, password: string, cabinetUrl: string): MailMessage {
  const subject = "Your Edgedesk account";
  const text = [
    "Welcome to Edgedesk.",
    "",
    `Sign in at ${cabinetUrl}/login with this e-mail address and the password below.`,
    "Your account is activated by the first sign-in, and you will be asked to choose your own password.",
    "",
    `Password: ${password}`,
    "",
    "If you did not register, ignore this message: without a sign-in the account stays inactive.",
  ].join("\n");
  const html = layout(subject, [
    "Welcome to Edgedesk.",
    `Sign in at <a href="${escapeHtml(cabinetUrl)}/login">${escapeHtml(cabinetUrl)}</a> with this e-mail address and the password below. Your account is activated by the first sign-in, and you will be asked to choose your own password.`,
    `Password: <b style="font-family:monospace;font-size:16px">${escapeHtml(password)}</b>`,
    "If you did not register, ignore this message: without a sign-in the account stays inactive.",
  ]);
  return { to, subject, text, html };
}

/**
 * Registration with an address that already has an active account. The page answers the
 * same either way (no enumeration); only the owner of the mailbox learns the difference.
 */
export function alreadyRegisteredMail(to: string, cabinetUrl: string): MailMessage {
  const subject = "You already have an Edgedesk account";
  const text = [
    "Someone (hopefully you) tried to register this e-mail address at Edgedesk.",
    "",
    `This address already has an account: sign in at ${cabinetUrl}/login.`,
    "If you did not try to register, you can ignore this message.",
  ].join("\n");
  const html = layout(subject, [
    "Someone (hopefully you) tried to register this e-mail address at Edgedesk.",
    `This address already has an account: sign in at <a href="${escapeHtml(cabinetUrl)}/login">${escapeHtml(cabinetUrl)}</a>.`,
    "If you did not try to register, you can ignore this message.",
  ]);
  return { to, subject, text, html };
}

/** F1.5: the recovery link. It does not say whether other addresses have accounts. */
export function recoveryMail(to: string, link: string): MailMessage {
  const subject = "Reset your Edgedesk password";
  const text = [
    "Someone (hopefully you) asked to reset the password of this Edgedesk account.",
    "",
    `Choose a new password here (the link works once, for one hour): ${link}`,
    "",
    "If you did not ask, ignore this message: your password stays as it is.",
  ].join("\n");
  const html = layout(subject, [
    "Someone (hopefully you) asked to reset the password of this Edgedesk account.",
    `<a href="${escapeHtml(link)}">Choose a new password</a> (the link works once, for one hour).`,
    "If you did not ask, ignore this message: your password stays as it is.",
  ]);
  return { to, subject, text, html };
}
