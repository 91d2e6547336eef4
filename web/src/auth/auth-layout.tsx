import type { ComponentChildren } from "preact";
import { Wordmark } from "../ui/logo";

/** The frame of the signed-out pages: the brand above one centered card. */
export function AuthLayout({ title, lead, children, footer }: {
  title: string;
  lead?: ComponentChildren;
  children: ComponentChildren;
  footer?: ComponentChildren;
}) {
  return (
    <div class="auth">
      <main class="auth-main">
        <div class="auth-brand">
          <Wordmark />
        </div>
        <section class="auth-card" aria-labelledby="auth-title">
          <h1 id="auth-title">{title}</h1>
          {lead && <p class="auth-lead">{lead}</p>}
          {children}
        </section>
        {footer && <p class="auth-footer">{footer}</p>}
      </main>
    </div>
  );
}
