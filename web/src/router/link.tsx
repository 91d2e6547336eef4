import type { ComponentChildren, TargetedMouseEvent } from "preact";
import { navigate } from "./router";

type LinkProps = {
  href: string;
  class?: string;
  role?: "link" | "menuitem";
  "aria-current"?: "page";
  /** Marks the element for the introductory tour. */
  "data-tour"?: string;
  onClick?: (event: TargetedMouseEvent<HTMLAnchorElement>) => void;
  /** Optional so <Trans> can fill it in from the catalog's text. */
  children?: ComponentChildren;
};

/** An ordinary <a> (so open-in-new-tab works) that navigates in place on a plain click. */
export function Link({ href, onClick, children, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || event.button !== 0) return;
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
