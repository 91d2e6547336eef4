// The app's models, created once. Components receive them as props, so a page can be
// rendered with any model (e.g. one built on a fake service).
import { authService } from "../auth/auth-service";
import { SessionModel } from "../auth/session-model";
import { ComputersModel } from "../computers/computers-model";
import { computersService } from "../computers/computers-service";

export function createModels() {
  const session = new SessionModel(authService);
  const computers = new ComputersModel(computersService);
  // Whoever signs in next must never see the previous user's list.
  session.user.subscribe((user) => {
    if (!user) computers.reset();
  });
  return { session, computers };
}

export type Models = ReturnType<typeof createModels>;
