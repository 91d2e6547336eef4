// The state of one row's actions: its menu, the inline rename and the removal confirmation.
import { createModel, signal } from "@preact/signals";
import { createSubmission } from "../ui/submission";
import type { ComputersModel } from "./computers-model";

export type RowMode = "view" | "rename" | "confirm-remove";

export const ComputerRowModel = createModel((computers: ComputersModel, id: string, currentName: string) => {
  const menuOpen = signal(false);
  const mode = signal<RowMode>("view");
  const draftName = signal(currentName);
  const submission = createSubmission();

  function toggleMenu(): void {
    menuOpen.value = !menuOpen.value;
  }

  function startRename(name: string): void {
    menuOpen.value = false;
    draftName.value = name;
    submission.error.value = null;
    mode.value = "rename";
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

  async function saveName(): Promise<void> {
    const ok = await submission.run(() => computers.rename(id, draftName.value.trim()));
    if (ok) mode.value = "view";
  }

  async function confirmRemove(): Promise<void> {
    await submission.run(() => computers.remove(id));
  }

  return {
    menuOpen,
    mode,
    draftName,
    pending: submission.pending,
    error: submission.error,
    toggleMenu,
    startRename,
    startRemove,
    cancel,
    saveName,
    confirmRemove,
  };
});
