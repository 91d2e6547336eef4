// F1.6: the introductory tour after the first sign-in, once. The tour's code (driver.js and
// its CSS) is fetched only when it is shown, so it costs the initial bundle nothing. Finished
// or skipped, it is marked done on the account (tourDone), so no browser shows it again.
import { useEffect } from "preact/hooks";
import type { SessionModel } from "../auth/session-model";
import { profileService } from "../profile/profile-service";

/** One tour per tab at a time, whatever re-renders happen meanwhile. */
let running = false;

async function markDone(session: SessionModel): Promise<void> {
  const user = session.user.peek();
  if (!user) return;
  // At once in this tab, even if the request fails (it is retried on the next sign-in).
  session.user.value = { ...user, tourDone: true };
  try {
    const updated = await profileService.update({ tourDone: true });
    if (session.user.peek()?.id === updated.id) session.user.value = updated;
  } catch (error) {
    console.warn("Edgedesk: could not save that the tour was shown", error);
  }
}

/** Starts the tour in the cabinet frame when the signed-in user has not seen it yet. */
export function useIntroTour(session: SessionModel): void {
  const user = session.user.value;
  const due = !!user && !user.tourDone && !user.mustChangePassword;
  useEffect(() => {
    if (!due || running) return;
    running = true;
    import("./intro-tour")
      .then(({ startIntroTour }) =>
        startIntroTour(() => {
          running = false;
          void markDone(session);
        }),
      )
      .catch((error: unknown) => {
        // Offline or a failed chunk: no tour this time, nothing marked; the cabinet works on.
        running = false;
        console.warn("Edgedesk: the introductory tour could not be loaded", error);
      });
  }, [due, session]);
}
