// Sharing (F2.11), owner only: who else sees this computer in their list, adding someone by
// e-mail, revoking, and the public-access flag.
import { batch, createModel, signal, useModel } from "@preact/signals";
import { useEffect, useId } from "preact/hooks";
import type { Computer, Share } from "../../../protocol/api";
import { ApiError, errorMessage } from "../api/client";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/dialog";
import { GlobeIcon } from "../ui/icons";
import { formatAbsolute, formatDate } from "../ui/time";
import type { ComputersModel } from "./computers-model";
import type { ComputersService } from "./computers-service";
import { computersService } from "./computers-service";
import type { DialogProps } from "./dialog-host";

const SharingModel = createModel((service: ComputersService, computers: ComputersModel, computer: Computer) => {
  const shares = signal<Share[]>([]);
  const state = signal<"loading" | "loaded" | "error">("loading");
  const loadError = signal<string | null>(null);
  const email = signal("");
  const adding = signal(false);
  const addError = signal<string | null>(null);
  const added = signal<string | null>(null);
  const revoking = signal<string | null>(null);
  const revokeError = signal<string | null>(null);
  const publicPending = signal(false);
  const publicError = signal<string | null>(null);

  async function load(): Promise<void> {
    state.value = "loading";
    try {
      const list = await service.shares(computer.id);
      batch(() => {
        shares.value = list;
        state.value = "loaded";
      });
    } catch (caught) {
      batch(() => {
        loadError.value = errorMessage(caught);
        state.value = "error";
      });
    }
  }

  async function add(): Promise<void> {
    if (adding.value) return;
    const address = email.value.trim();
    batch(() => {
      addError.value = null;
      added.value = null;
    });
    if (!address) {
      addError.value = t("sharing.enterEmail");
      return;
    }
    adding.value = true;
    try {
      const share = await service.share(computer.id, address);
      batch(() => {
        shares.value = [...shares.value.filter((s) => s.userId !== share.userId), share];
        email.value = "";
        added.value = t("sharing.sharedWith", { name: share.name || share.email });
      });
    } catch (caught) {
      // The server's message says what to do ("No Edgedesk account uses this address", ...);
      // a validation message arrives as "email: …", which reads better without the prefix.
      const message = errorMessage(caught);
      addError.value = caught instanceof ApiError && caught.code === "invalid_input" ? message.replace(/^email: /, "") : message;
    } finally {
      adding.value = false;
    }
  }

  async function revoke(share: Share): Promise<void> {
    if (revoking.value) return;
    batch(() => {
      revoking.value = share.userId;
      revokeError.value = null;
      added.value = null;
    });
    try {
      await service.revokeShare(computer.id, share.userId);
      shares.value = shares.value.filter((s) => s.userId !== share.userId);
    } catch (caught) {
      revokeError.value = errorMessage(caught);
    } finally {
      revoking.value = null;
    }
  }

  async function setPublicAccess(on: boolean): Promise<void> {
    if (publicPending.value) return;
    batch(() => {
      publicPending.value = true;
      publicError.value = null;
    });
    try {
      await computers.update(computer.id, { publicAccess: on });
    } catch (caught) {
      publicError.value = errorMessage(caught);
    } finally {
      publicPending.value = false;
    }
  }

  return { shares, state, loadError, email, adding, addError, added, revoking, revokeError, publicPending, publicError, load, add, revoke, setPublicAccess };
});

export function SharingDialog({ computer, computers, onClose }: DialogProps) {
  const model = useModel(() => new SharingModel(computersService, computers, computer));
  const emailId = useId();
  const publicId = useId();
  useEffect(() => void model.load(), [model]);
  const shares = model.shares.value;

  return (
    <Dialog
      title={t("sharing.title")}
      subtitle={computer.name}
      onClose={onClose}
      footer={
        <button type="button" class="button button-secondary" onClick={onClose}>
          {t("common.done")}
        </button>
      }
    >
      <div class="sharing">
        <form
          class="share-add"
          aria-label={t("sharing.formLabel")}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void model.add();
          }}
        >
          <label for={emailId}>{t("sharing.addLabel")}</label>
          <div class="share-add-row">
            <input
              id={emailId}
              type="email"
              placeholder={t("sharing.emailPlaceholder")}
              autoComplete="off"
              spellcheck={false}
              maxLength={254}
              value={model.email.value}
              onInput={(event) => (model.email.value = event.currentTarget.value)}
              aria-invalid={model.addError.value ? true : undefined}
              aria-describedby={model.addError.value ? `${emailId}-error` : undefined}
              autoFocus
            />
            <button type="submit" class="button button-primary" disabled={model.adding.value}>
              {model.adding.value ? t("sharing.adding") : t("sharing.add")}
            </button>
          </div>
          {model.addError.value && (
            <p class="field-error" id={`${emailId}-error`} role="alert">
              {model.addError.value}
            </p>
          )}
          {model.added.value && (
            <p class="field-success" role="status">
              {model.added.value}
            </p>
          )}
          <p class="field-hint">{t("sharing.hint")}</p>
        </form>

        <section class="share-list" aria-label={t("sharing.people")}>
          <h3>{t("sharing.people")}</h3>
          {model.state.value === "loading" ? (
            <p class="muted">{t("common.loading")}</p>
          ) : model.state.value === "error" ? (
            <p class="field-error" role="alert">
              {model.loadError.value}{" "}
              <button type="button" class="link-button" onClick={() => void model.load()}>
                {t("common.tryAgain")}
              </button>
            </p>
          ) : shares.length === 0 ? (
            <p class="muted">{t("sharing.onlyYou")}</p>
          ) : (
            <ul>
              {shares.map((share) => (
                <li key={share.userId} class="share-item">
                  <span class="avatar avatar-small" aria-hidden="true">
                    {(share.name || share.email).charAt(0).toUpperCase()}
                  </span>
                  <span class="share-who">
                    <span class="share-name">{share.name || share.email}</span>
                    {share.name && share.name !== share.email && <span class="share-email">{share.email}</span>}
                  </span>
                  <time class="share-date" dateTime={share.createdAt} title={formatAbsolute(share.createdAt)}>
                    {t("sharing.since", { date: formatDate(share.createdAt) })}
                  </time>
                  <button
                    type="button"
                    class="button button-secondary button-small"
                    disabled={model.revoking.value === share.userId}
                    aria-label={t("sharing.revokeFor", { email: share.email })}
                    onClick={() => void model.revoke(share)}
                  >
                    {t("sharing.revoke")}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {model.revokeError.value && (
            <p class="field-error" role="alert">
              {model.revokeError.value}
            </p>
          )}
        </section>

        <div class="public-access">
          <span class="public-access-icon" aria-hidden="true">
            <GlobeIcon />
          </span>
          <div>
            <label for={publicId}>{t("sharing.publicAccess")}</label>
            <p class="field-hint">{t("sharing.publicHint")}</p>
            {model.publicError.value && (
              <p class="field-error" role="alert">
                {model.publicError.value}
              </p>
            )}
          </div>
          <label class="switch">
            <input
              id={publicId}
              type="checkbox"
              checked={computer.publicAccess}
              disabled={model.publicPending.value}
              onChange={(event) => void model.setPublicAccess(event.currentTarget.checked)}
            />
            <span class="switch-track" aria-hidden="true" />
          </label>
        </div>
      </div>
    </Dialog>
  );
}
