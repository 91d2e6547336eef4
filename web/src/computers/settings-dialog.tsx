// Computer settings (F2.10), owner only: name, group, who may configure the agent, and the
// remote account for automatic sign-in and locking. Credentials are write-only: once stored
// the dialog only says so and offers to replace or remove them.
import { batch, createModel, signal, useModel, type Signal } from "@preact/signals";
import { useId } from "preact/hooks";
import type { Computer, UpdateComputerRequest } from "../../../protocol/api";
import { ApiError, errorMessage } from "../api/client";
import { splitFieldErrors } from "../api/field-errors";
import { t } from "../i18n/i18n";
import { localValidationText } from "../i18n/server-text";
import { Dialog } from "../ui/dialog";
import { FormError } from "../ui/form";
import type { ComputersModel } from "./computers-model";
import type { DialogProps } from "./dialog-host";

const fields = ["name", "group", "allowNonAdminConfig", "credentials.username", "credentials.password", "credentials"] as const;
type Field = (typeof fields)[number];

/** keep: leave what is stored; edit: send the typed ones; remove: delete the stored ones. */
type CredentialsMode = "keep" | "edit" | "remove";

const SettingsForm = createModel((computers: ComputersModel, computer: Computer, onDone: () => void) => {
  const name = signal(computer.name);
  const group = signal(computer.group);
  const allowNonAdminConfig = signal(computer.settings.allowNonAdminConfig);
  const credentialsMode = signal<CredentialsMode>(computer.settings.hasCredentials ? "keep" : "edit");
  const username = signal("");
  const password = signal("");
  const errors = signal<Partial<Record<Field, string>>>({});
  const formError = signal<string | null>(null);
  const pending = signal(false);

  function changes(): UpdateComputerRequest {
    const body: UpdateComputerRequest = {};
    // The server trims too; comparing trimmed values avoids sending a no-op.
    if (name.value.trim() !== computer.name) body.name = name.value;
    if (group.value.trim() !== computer.group) body.group = group.value;
    if (allowNonAdminConfig.value !== computer.settings.allowNonAdminConfig) body.allowNonAdminConfig = allowNonAdminConfig.value;
    if (credentialsMode.value === "remove") body.credentials = null;
    else if (credentialsMode.value === "edit" && (username.value !== "" || password.value !== "")) {
      body.credentials = { username: username.value, password: password.value };
    }
    return body;
  }

  async function save(): Promise<void> {
    if (pending.value) return;
    const body = changes();
    batch(() => {
      errors.value = {};
      formError.value = null;
    });
    if (Object.keys(body).length === 0) return onDone();
    pending.value = true;
    try {
      await computers.update(computer.id, body);
      password.value = "";
      onDone();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 400) {
        // Split by field first (the markers are the API's field names), then put each part
        // into the UI's language.
        const split = splitFieldErrors(caught.message, fields);
        const { credentials, ...rest } = split.fields;
        const byField: Partial<Record<Field, string>> = {};
        for (const [field, text] of Object.entries(rest) as [Field, string][]) byField[field] = localValidationText(text);
        if (credentials) byField["credentials.username"] = localValidationText(credentials);
        errors.value = byField;
        formError.value = split.rest === null ? null : localValidationText(split.rest);
      } else {
        formError.value = errorMessage(caught);
      }
    } finally {
      pending.value = false;
    }
  }

  function setCredentialsMode(mode: CredentialsMode): void {
    batch(() => {
      credentialsMode.value = mode;
      username.value = "";
      password.value = "";
      const { "credentials.username": _u, "credentials.password": _p, ...rest } = errors.value;
      errors.value = rest;
    });
  }

  return {
    name,
    group,
    allowNonAdminConfig,
    credentialsMode,
    username,
    password,
    errors,
    formError,
    pending,
    save,
    setCredentialsMode,
  };
});

type InputProps = {
  label: string;
  value: Signal<string>;
  error?: string;
  hint?: string;
  type?: "text" | "password";
  maxLength: number;
  autoComplete: string;
  autoFocus?: boolean;
  list?: string;
  name?: string;
};

function Input({ label, value, error, hint, type = "text", ...rest }: InputProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        // Preact types <input> per `type` value; "text" stands for both here.
        type={type as "text"}
        value={value.value}
        onInput={(event) => (value.value = event.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        spellcheck={false}
        {...rest}
      />
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function SettingsDialog({ computer, computers, onClose }: DialogProps) {
  const form = useModel(() => new SettingsForm(computers, computer, onClose));
  const errors = form.errors.value;
  const mode = form.credentialsMode.value;
  const listId = useId();
  const checkboxId = useId();
  const stored = computer.settings.hasCredentials;

  const footer = (
    <>
      <button type="button" class="button button-ghost" onClick={onClose}>
        {t("common.cancel")}
      </button>
      <button type="submit" form="computer-settings" class="button button-primary" disabled={form.pending.value} aria-busy={form.pending.value}>
        {form.pending.value ? t("common.saving") : t("common.save")}
      </button>
    </>
  );

  return (
    <Dialog title={t("settings.title")} subtitle={computer.name} onClose={onClose} footer={footer}>
      <form
        id="computer-settings"
        class="form"
        aria-label={t("settings.title")}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void form.save();
        }}
      >
        <FormError message={form.formError.value} />
        <Input label={t("settings.name")} value={form.name} error={errors.name} maxLength={64} autoComplete="off" autoFocus />
        <div>
          <Input
            label={t("settings.group")}
            value={form.group}
            error={errors.group}
            maxLength={64}
            autoComplete="off"
            list={listId}
            hint={t("settings.groupHint")}
          />
          <datalist id={listId}>
            {computers.groupNames.value.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </div>

        <div class={`field field-check${errors.allowNonAdminConfig ? " has-error" : ""}`}>
          <input
            id={checkboxId}
            type="checkbox"
            checked={form.allowNonAdminConfig.value}
            onChange={(event) => (form.allowNonAdminConfig.value = event.currentTarget.checked)}
          />
          <div>
            <label for={checkboxId}>{t("settings.allowNonAdmin")}</label>
            <p class="field-hint">
              {t("settings.allowNonAdminHint")} {t(computer.status === "not_installed" ? "settings.effectAfterInstall" : "settings.effectInstalled")}
            </p>
            {errors.allowNonAdminConfig && <p class="field-error">{errors.allowNonAdminConfig}</p>}
          </div>
        </div>

        <fieldset class="fieldset">
          <legend>{t("settings.autoSignIn")}</legend>
          <p class="field-hint">{t("settings.autoSignInHint")}</p>
          {stored && mode === "keep" && (
            <div class="credentials-stored">
              <span class="stored-badge">{t("settings.stored")}</span>
              <span class="muted">{t("settings.storedText")}</span>
              <span class="credentials-actions">
                <button type="button" class="button button-secondary button-small" onClick={() => form.setCredentialsMode("edit")}>
                  {t("settings.replace")}
                </button>
                <button type="button" class="button button-ghost button-small button-danger-text" onClick={() => form.setCredentialsMode("remove")}>
                  {t("settings.remove")}
                </button>
              </span>
            </div>
          )}
          {stored && mode === "remove" && (
            <div class="credentials-stored">
              <span class="muted">{t("settings.removeText")}</span>
              <span class="credentials-actions">
                <button type="button" class="button button-ghost button-small" onClick={() => form.setCredentialsMode("keep")}>
                  {t("settings.undo")}
                </button>
              </span>
            </div>
          )}
          {mode === "edit" && (
            <div class="credentials-fields">
              <Input
                label={t("settings.username")}
                value={form.username}
                error={errors["credentials.username"]}
                maxLength={256}
                autoComplete="off"
                name="remote-username"
              />
              <Input
                label={t("settings.password")}
                type="password"
                value={form.password}
                error={errors["credentials.password"]}
                maxLength={1024}
                autoComplete="new-password"
                name="remote-password"
              />
              {stored && (
                <button type="button" class="link-button credentials-keep" onClick={() => form.setCredentialsMode("keep")}>
                  {t("settings.keepStored")}
                </button>
              )}
            </div>
          )}
        </fieldset>
      </form>
    </Dialog>
  );
}
