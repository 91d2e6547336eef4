// Pages whose code is loaded the first time they are shown, so the initial bundle stays small.
import { signal } from "@preact/signals";
import type { ComponentType } from "preact";
import { useEffect } from "preact/hooks";
import { t } from "../i18n/i18n";

type Loader<P> = () => Promise<ComponentType<P>>;

/** A component that renders `fallback` until the page's chunk is loaded, then the page. */
export function lazyPage<P extends object>(load: Loader<P>): ComponentType<P> {
  const component = signal<ComponentType<P> | null>(null);
  const failed = signal(false);
  let started = false;
  function start(): void {
    if (started) return;
    started = true;
    failed.value = false;
    load().then(
      (loaded) => (component.value = loaded),
      () => {
        started = false;
        failed.value = true;
      },
    );
  }
  return function LazyPage(props: P) {
    useEffect(start, []);
    const Page = component.value;
    if (Page) return <Page {...props} />;
    if (failed.value) {
      return (
        <div class="card card-padded load-error" role="alert">
          <p>{t("app.pageLoadFailed")}</p>
          <button type="button" class="button button-secondary" onClick={start}>
            {t("common.tryAgain")}
          </button>
        </div>
      );
    }
    return <div class="page-loading" aria-busy="true" />;
  };
}
