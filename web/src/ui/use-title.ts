import { useEffect } from "preact/hooks";

/** Sets the tab title while the calling page is shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Edgedesk`;
  }, [title]);
}
