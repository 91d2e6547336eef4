// The introductory tour (F1.6), on driver.js. This module and driver.js (with its CSS) are
// one chunk that only a user who has not seen the tour ever downloads (see use-intro-tour.ts).
import { driver, type DriveStep } from "driver.js";
import "driver.js/dist/driver.css";
import { t, type Key } from "../i18n/i18n";
import "./intro-tour.css";

/** driver.js writes titles and texts as HTML: the catalog's texts go in as text. */
const html = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

type Stop = { element?: string; title: Key; text: Key };

/** The main elements of the cabinet, in the order the tour shows them; `data-tour` marks each. */
const stops: Stop[] = [
  { title: "tour.welcomeTitle", text: "tour.welcomeText" },
  { element: '[data-tour="nav-computers"]', title: "tour.computersTitle", text: "tour.computersText" },
  { element: '[data-tour="list-controls"]', title: "tour.controlsTitle", text: "tour.controlsText" },
  { element: '[data-tour="nav-support"]', title: "tour.supportTitle", text: "tour.supportText" },
  { element: '[data-tour="nav-history"]', title: "tour.historyTitle", text: "tour.historyText" },
  { element: '[data-tour="profile"]', title: "tour.profileTitle", text: "tour.profileText" },
  { title: "tour.readyTitle", text: "tour.readyText" },
];

/**
 * Runs the tour over the page as it is; `onEnd` is called once, whether the user went through
 * to the end, skipped it, pressed Escape or clicked beside it.
 */
export function startIntroTour(onEnd: () => void): void {
  // A stop whose element is not on this page (the list's controls outside the list) is left out.
  const steps: DriveStep[] = stops
    .filter((stop) => !stop.element || document.querySelector(stop.element))
    .map((stop) => ({
      ...(stop.element ? { element: stop.element } : {}),
      popover: { title: html(t(stop.title)), description: html(t(stop.text)) },
    }));
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const tour = driver({
    steps,
    showProgress: true,
    // driver.js fills in {{current}} and {{total}} itself.
    progressText: html(t("tour.progress", { current: "{{current}}", total: "{{total}}" })),
    nextBtnText: html(t("tour.next")),
    prevBtnText: html(t("tour.previous")),
    doneBtnText: html(t("tour.done")),
    allowClose: true,
    popoverClass: "intro-tour",
    onPopoverRender: (popover) => {
      popover.closeButton.setAttribute("aria-label", t("common.close"));
      if (tour.isLastStep()) return;
      // Skipping must be obvious, not only the small × in the corner.
      const skip = document.createElement("button");
      skip.type = "button";
      skip.className = "intro-tour-skip";
      skip.textContent = t("tour.skip");
      skip.addEventListener("click", () => {
        end();
        tour.destroy();
      });
      popover.footer.prepend(skip);
    },
    // Every way out (Done, ×, Escape, a click beside the popover) passes here; driver.js calls
    // onDestroyed only when a step was fully shown, so it cannot be the only signal.
    onDestroyStarted: () => {
      end();
      tour.destroy();
    },
    onDestroyed: end,
  });
  tour.drive();
}
