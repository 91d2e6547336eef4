// The pending/error state of one form submission, shared by every form in the app.
import { signal } from "@preact/signals";
import { errorMessage } from "../api/client";

export function createSubmission() {
  const pending = signal(false);
  const error = signal<string | null>(null);

  /** Runs `task` unless one is already running; its failure becomes `error`. Returns true on success. */
  async function run(task: () => Promise<void>): Promise<boolean> {
    if (pending.value) return false;
    pending.value = true;
    error.value = null;
    try {
      await task();
      return true;
    } catch (caught) {
      error.value = errorMessage(caught);
      return false;
    } finally {
      pending.value = false;
    }
  }

  return { pending, error, run };
}
