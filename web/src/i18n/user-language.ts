// The signed-in user's language (F1.7), else the browser's. The session's first answer waits
// for the user's catalog, so a German user's cabinet never flashes up in English first.
import type { User } from "../../../protocol/api";
import type { AuthService } from "../auth/auth-service";
import { languageFor, setLanguage } from "./i18n";

export function withUserLanguage(service: AuthService): AuthService {
  const apply = async (user: User) => {
    await setLanguage(languageFor(user.language));
    return user;
  };
  return { ...service, me: () => service.me().then(apply), login: (body) => service.login(body).then(apply) };
}
