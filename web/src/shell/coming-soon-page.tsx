import type { JSX } from "preact";
import { t } from "../i18n/i18n";
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
        <h2>{t("app.comingSoonTitle")}</h2>
        <p>{t("app.comingSoonText")}</p>
      </div>
    </div>
  );
}
