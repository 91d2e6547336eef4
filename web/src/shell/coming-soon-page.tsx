import type { JSX } from "preact";
import { useTitle } from "../ui/use-title";

/** Remote support, Branding and History until their issues land. */
export function ComingSoonPage({ title, description, icon: SectionIcon }: {
  title: string;
  description: string;
  icon: () => JSX.Element;
}) {
  useTitle(title);
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>{title}</h1>
          <p class="page-lead">{description}</p>
        </div>
      </header>
      <div class="empty-state">
        <div class="empty-icon">
          <SectionIcon />
        </div>
        <h2>Coming soon</h2>
        <p>This part of the cabinet is being built. Your computers are already available in the Computers section.</p>
      </div>
    </div>
  );
}
