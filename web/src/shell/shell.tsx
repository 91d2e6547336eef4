import type { ComponentChildren, JSX } from "preact";
import type { SessionModel } from "../auth/session-model";
import { Link } from "../router/link";
import { currentPath, routes } from "../router/router";
import { BrandingIcon, ComputersIcon, HistoryIcon, SupportIcon } from "../ui/icons";
import { Wordmark } from "../ui/logo";
import { ProfileMenu } from "./profile-menu";

const menu: { href: string; label: string; icon: () => JSX.Element; soon?: boolean }[] = [
  { href: routes.computers, label: "Computers", icon: ComputersIcon },
  { href: routes.support, label: "Remote support", icon: SupportIcon, soon: true },
  { href: routes.branding, label: "Branding", icon: BrandingIcon, soon: true },
  { href: routes.history, label: "History", icon: HistoryIcon },
];

/** The signed-in frame: the left menu, the profile pop-up at its bottom, the page on the right. */
export function Shell({ session, children }: { session: SessionModel; children: ComponentChildren }) {
  const path = currentPath.value;
  return (
    <div class="shell">
      <aside class="sidebar">
        <div class="sidebar-brand">
          <Wordmark />
        </div>
        <nav class="sidebar-nav" aria-label="Main">
          {menu.map(({ href, label, icon: MenuIcon, soon }) => (
            <Link key={href} href={href} class="nav-item" aria-current={path === href ? "page" : undefined}>
              <MenuIcon />
              <span class="nav-label">{label}</span>
              {soon && <span class="nav-soon">Soon</span>}
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
