import type { ComponentChildren, JSX } from "preact";
import type { SessionModel } from "../auth/session-model";
import { t, type Key } from "../i18n/i18n";
import { useIntroTour } from "../tour/use-intro-tour";
import { Link } from "../router/link";
import { currentPath, routes } from "../router/router";
import { BrandingIcon, ComputersIcon, HistoryIcon, SupportIcon } from "../ui/icons";
import { Wordmark } from "../ui/logo";
import { ProfileMenu } from "./profile-menu";

/** `tour` names the item for the introductory tour (tour/intro-tour.ts). */
const menu: { href: string; label: Key; icon: () => JSX.Element; soon?: boolean; tour: string }[] = [
  { href: routes.computers, label: "shell.computers", icon: ComputersIcon, tour: "nav-computers" },
  { href: routes.support, label: "shell.supportMenu", icon: SupportIcon, soon: true, tour: "nav-support" },
  { href: routes.branding, label: "shell.branding", icon: BrandingIcon, soon: true, tour: "nav-branding" },
  { href: routes.history, label: "shell.history", icon: HistoryIcon, tour: "nav-history" },
];

/** The signed-in frame: the left menu, the profile pop-up at its bottom, the page on the right. */
export function Shell({ session, children }: { session: SessionModel; children: ComponentChildren }) {
  const path = currentPath.value;
  useIntroTour(session);
  return (
    <div class="shell">
      <aside class="sidebar">
        <div class="sidebar-brand">
          <Wordmark />
        </div>
        <nav class="sidebar-nav" aria-label={t("shell.mainMenu")}>
          {menu.map(({ href, label, icon: MenuIcon, soon, tour }) => (
            <Link key={href} href={href} class="nav-item" aria-current={path === href ? "page" : undefined} data-tour={tour}>
              <MenuIcon />
              <span class="nav-label">{t(label)}</span>
              {soon && <span class="nav-soon">{t("shell.soon")}</span>}
            </Link>
          ))}
        </nav>
        <ProfileMenu session={session} />
      </aside>
      <main class="content" id="content">
        {children}
      </main>
    </div>
  );
}
