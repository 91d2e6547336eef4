import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { signOut } from "../auth/auth-forms";
import type { SessionModel } from "../auth/session-model";
import { t } from "../i18n/i18n";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { ChevronIcon, KeyIcon, SignOutIcon } from "../ui/icons";
import { useDismiss } from "../ui/use-dismiss";

const UserIcon = () => (
  <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" class="icon">
    <circle cx="12" cy="8" r="4" />
    <path d="M4 21a8 8 0 0 1 16 0" />
  </svg>
);

function initials(email: string, firstName: string, lastName: string): string {
  const fromName = `${firstName.trim().charAt(0)}${lastName.trim().charAt(0)}`;
  return (fromName || email.charAt(0)).toUpperCase();
}

/** F1.7: the profile pop-up at the bottom left. */
export function ProfileMenu({ session }: { session: SessionModel }) {
  const open = useSignal(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open);
  const user = session.user.value;
  if (!user) return null;
  const fullName = `${user.firstName} ${user.lastName}`.trim();

  return (
    <div class="profile" ref={ref} data-tour="profile">
      {open.value && (
        <div class="profile-popup" role="menu" aria-label={t("shell.profileMenu")}>
          <div class="profile-popup-head">
            {fullName && <div class="profile-name">{fullName}</div>}
            <div class="profile-email">{user.email}</div>
          </div>
          <Link href={routes.profile} class="menu-item" role="menuitem" onClick={() => (open.value = false)}>
            <UserIcon />
            {t("shell.profile")}
          </Link>
          <Link href={routes.changePassword} class="menu-item" role="menuitem" onClick={() => (open.value = false)}>
            <KeyIcon />
            {t("shell.changePassword")}
          </Link>
          <button
            type="button"
            class="menu-item"
            role="menuitem"
            onClick={() => {
              open.value = false;
              void signOut(session);
            }}
          >
            <SignOutIcon />
            {t("common.signOut")}
          </button>
        </div>
      )}
      <button
        type="button"
        class="profile-button"
        aria-haspopup="menu"
        aria-expanded={open.value}
        aria-label={t("shell.account", { email: user.email })}
        onClick={() => (open.value = !open.value)}
      >
        <span class="avatar" aria-hidden="true">
          {initials(user.email, user.firstName, user.lastName)}
        </span>
        <span class="profile-button-email">{user.email}</span>
        <ChevronIcon />
      </button>
    </div>
  );
}
