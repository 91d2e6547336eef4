// The app's models, created once. Components receive them as props, so a page can be
// rendered with any model (e.g. one built on a fake service).
import { authService } from "../auth/auth-service";
import { SessionModel } from "../auth/session-model";
import { ComputersModel } from "../computers/computers-model";
import { computersService } from "../computers/computers-service";
import { languageFor, setLanguage } from "../i18n/i18n";
import { withUserLanguage } from "../i18n/user-language";

export function createModels() {
  const session = new SessionModel(withUserLanguage(authService));
  const computers = new ComputersModel(computersService);
  session.user.subscribe((user) => {
    // Whoever signs in next must never see the previous user's list.
    if (!user) computers.reset();
    // The profile's language, else the browser's: switching it in the profile (or signing
    // out) switches the UI at once.
    void setLanguage(languageFor(user?.language));
  });
  return { session, computers };
}

export type Models = ReturnType<typeof createModels>;
