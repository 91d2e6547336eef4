// What the e-mails say, per language (docs/decisions.md: a typed catalog, not i18next, in the
// Worker). English is the reference; every other language has exactly its shape, so a missing
// German text is a type error. {{name}} marks a value the template fills in (escaped in HTML).
import type { Language } from "../../protocol/languages";

const en = {
  welcome: {
    subject: "Your Edgedesk account",
    intro: "Welcome to Edgedesk.",
    signIn: "Sign in at {{url}} with this e-mail address and the password below.",
    activation: "Your account is activated by the first sign-in, and you will be asked to choose your own password.",
    /** The mail's "Password: …" line; people (and the tests) look for it. */
    passwordLabel: "Password",
    notYou: "If you did not register, ignore this message: without a sign-in the account stays inactive.",
  },
  /** F1.3: an account created by a Google/Facebook sign-in, active already. {{provider}} names it. */
  providerWelcome: {
    subject: "Your Edgedesk account",
    intro: "Welcome to Edgedesk. You signed in with {{provider}}, and your account is active.",
    signIn: "You can also sign in at {{url}} with this e-mail address and the password below, without {{provider}}.",
    activation: "You can change this password in your profile at any time.",
    passwordLabel: "Password",
    /** From a provider that verified the address (Google). */
    notYou: "If you did not sign in to Edgedesk, tell us by replying to this message.",
    /** From one that does not say so (Facebook). {{url}}: the page that asks for a recovery link. */
    notYouUnverified:
      "If you did not sign in to Edgedesk, someone used your address at {{provider}}: choose a new password at {{url}}, which also disconnects {{provider}} from the account.",
  },
  /** F1.3: a provider identity was connected on the profile page. {{url}} asks for a recovery link. */
  providerConnected: {
    subject: "{{provider}} was connected to your Edgedesk account",
    intro: "{{provider}} can now sign in to your Edgedesk account: it was connected on your profile page.",
    /** Shown when the provider named the identity's address. */
    identity: "{{provider}} account: {{email}}",
    notYou: "If this was not you, choose a new password at {{url}}: that signs everyone out and disconnects {{provider}}.",
  },
  alreadyRegistered: {
    subject: "You already have an Edgedesk account",
    intro: "Someone (hopefully you) tried to register this e-mail address at Edgedesk.",
    signIn: "This address already has an account: sign in at {{url}}.",
    notYou: "If you did not try to register, you can ignore this message.",
  },
  recovery: {
    subject: "Reset your Edgedesk password",
    intro: "Someone (hopefully you) asked to reset the password of this Edgedesk account.",
    /** {{link}} is the URL in the text mail and a link labelled `linkLabel` in HTML. */
    choose: "Choose a new password here (the link works once, for one hour): {{link}}",
    chooseHtml: "{{link}} (the link works once, for one hour).",
    linkLabel: "Choose a new password",
    notYou: "If you did not ask, ignore this message: your password stays as it is.",
  },
};

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type MailCatalog = Shape<typeof en>;

const de: MailCatalog = {
  welcome: {
    subject: "Ihr Edgedesk-Konto",
    intro: "Willkommen bei Edgedesk.",
    signIn: "Melden Sie sich unter {{url}} mit dieser E-Mail-Adresse und dem unten stehenden Passwort an.",
    activation: "Mit der ersten Anmeldung wird Ihr Konto aktiviert; danach werden Sie gebeten, ein eigenes Passwort zu wählen.",
    passwordLabel: "Passwort",
    notYou: "Falls Sie sich nicht registriert haben, ignorieren Sie diese Nachricht: Ohne Anmeldung bleibt das Konto inaktiv.",
  },
  providerWelcome: {
    subject: "Ihr Edgedesk-Konto",
    intro: "Willkommen bei Edgedesk. Sie haben sich mit {{provider}} angemeldet, und Ihr Konto ist aktiv.",
    signIn: "Sie können sich unter {{url}} auch ohne {{provider}} mit dieser E-Mail-Adresse und dem unten stehenden Passwort anmelden.",
    activation: "Dieses Passwort können Sie jederzeit in Ihrem Profil ändern.",
    passwordLabel: "Passwort",
    notYou: "Falls Sie sich nicht bei Edgedesk angemeldet haben, antworten Sie bitte auf diese Nachricht.",
    notYouUnverified:
      "Falls Sie sich nicht bei Edgedesk angemeldet haben, hat jemand Ihre Adresse bei {{provider}} verwendet: Wählen Sie unter {{url}} ein neues Passwort; damit wird {{provider}} auch vom Konto getrennt.",
  },
  providerConnected: {
    subject: "{{provider}} wurde mit Ihrem Edgedesk-Konto verbunden",
    intro: "{{provider}} kann sich jetzt bei Ihrem Edgedesk-Konto anmelden: Es wurde auf Ihrer Profilseite verbunden.",
    identity: "{{provider}}-Konto: {{email}}",
    notYou: "Falls Sie das nicht waren, wählen Sie unter {{url}} ein neues Passwort: Damit werden alle abgemeldet, und {{provider}} wird getrennt.",
  },
  alreadyRegistered: {
    subject: "Sie haben bereits ein Edgedesk-Konto",
    intro: "Jemand (hoffentlich Sie) hat versucht, diese E-Mail-Adresse bei Edgedesk zu registrieren.",
    signIn: "Zu dieser Adresse gibt es bereits ein Konto: Melden Sie sich unter {{url}} an.",
    notYou: "Falls Sie das nicht waren, können Sie diese Nachricht ignorieren.",
  },
  recovery: {
    subject: "Edgedesk-Passwort zurücksetzen",
    intro: "Jemand (hoffentlich Sie) hat angefordert, das Passwort dieses Edgedesk-Kontos zurückzusetzen.",
    choose: "Wählen Sie hier ein neues Passwort (der Link funktioniert einmal und eine Stunde lang): {{link}}",
    chooseHtml: "{{link}} (der Link funktioniert einmal und eine Stunde lang).",
    linkLabel: "Neues Passwort wählen",
    notYou: "Falls Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.",
  },
};

export const mailTexts: Record<Language, MailCatalog> = { en, de };
