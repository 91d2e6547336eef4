// The state behind the two signed-out forms that only ask for an e-mail address and then say
// "check your inbox": registration (F1.1) and password recovery (F1.5).
import { createModel, signal } from "@preact/signals";
import { createSubmission } from "../ui/submission";

export const EmailRequestForm = createModel((initialEmail: string, send: (email: string) => Promise<void>) => {
  const email = signal(initialEmail);
  /** The request went through: the page shows the confirmation instead of the form. */
  const sent = signal(false);
  const submission = createSubmission();

  async function submit(): Promise<void> {
    await submission.run(async () => {
      await send(email.value.trim());
      sent.value = true;
    });
  }

  function startOver(): void {
    sent.value = false;
  }

  return { email, sent, pending: submission.pending, error: submission.error, submit, startOver };
});

export type EmailRequestForm = InstanceType<typeof EmailRequestForm>;
