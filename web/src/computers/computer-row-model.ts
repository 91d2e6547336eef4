// The state of one row's (or tile's) actions: its menu and the removal confirmation.
import { createModel, signal } from "@preact/signals";
import { createSubmission } from "../ui/submission";
import type { ComputersModel, DialogKind } from "./computers-model";

export type RowMode = "view" | "confirm-remove";

export const ComputerRowModel = createModel((computers: ComputersModel, id: string) => {
  const menuOpen = signal(false);
  const mode = signal<RowMode>("view");
  const submission = createSubmission();

  function toggleMenu(): void {
    menuOpen.value = !menuOpen.value;
  }

  function open(kind: DialogKind): void {
    menuOpen.value = false;
    computers.openDialog(kind, id);
  }

  function startRemove(): void {
    menuOpen.value = false;
    submission.error.value = null;
    mode.value = "confirm-remove";
  }

  function cancel(): void {
    mode.value = "view";
    submission.error.value = null;
  }

  async function confirmRemove(): Promise<void> {
    await submission.run(() => computers.remove(id));
  }

  return {
    menuOpen,
    mode,
    pending: submission.pending,
    error: submission.error,
    toggleMenu,
    open,
    startRemove,
    cancel,
    confirmRemove,
  };
});

export type ComputerRowModel = InstanceType<typeof ComputerRowModel>;
