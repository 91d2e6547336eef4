import type { Signal } from "@preact/signals";
import type { RefObject } from "preact";
import { useEffect } from "preact/hooks";

/** Closes a pop-up (sets `open` to false) on a click outside `ref` or on Escape. */
export function useDismiss(ref: RefObject<HTMLElement | null>, open: Signal<boolean>): void {
  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      if (open.peek() && ref.current && !ref.current.contains(event.target as Node)) open.value = false;
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && open.peek()) open.value = false;
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [ref, open]);
}
