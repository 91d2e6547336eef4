// F5: every session by this account and to its computers, newest first.
import { useModel } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";
import type { HistoryEntry } from "../../../protocol/api";
import { t } from "../i18n/i18n";
import { HistoryIcon, RefreshIcon } from "../ui/icons";
import { formatDate, formatTime } from "../ui/time";
import { useTitle } from "../ui/use-title";
import { describeBrowser, formatDuration, sourceLabel } from "./history-format";
import { HistoryModel } from "./history-model";
import { historyService } from "./history-service";

function Filters({ history }: { history: HistoryModel }) {
  return (
    <div class="history-filters" role="search" aria-label={t("history.filtersLabel")}>
      <div class="field">
        <label for="history-computer">{t("history.computer")}</label>
        <select id="history-computer" value={history.computerId.value} onChange={(e) => (history.computerId.value = e.currentTarget.value)}>
          <option value="">{t("history.allComputers")}</option>
          {history.computers.value.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="history-from">{t("history.from")}</label>
        <input id="history-from" type="date" value={history.from.value} max={history.to.value || undefined} onChange={(e) => (history.from.value = e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="history-to">{t("history.to")}</label>
        <input id="history-to" type="date" value={history.to.value} min={history.from.value || undefined} onChange={(e) => (history.to.value = e.currentTarget.value)} />
      </div>
      {history.filtered.value && (
        <button type="button" class="button button-ghost history-clear" onClick={history.clearFilters}>
          {t("history.clearFilters")}
        </button>
      )}
    </div>
  );
}

function Connection({ entry }: { entry: HistoryEntry }) {
  const who = entry.viewerEmail ?? t("history.guest");
  return (
    <div class="history-connection">
      <span class={`direction-badge direction-${entry.direction}`}>{t(entry.direction === "outgoing" ? "history.outgoing" : "history.incoming")}</span>
      <span class="history-source">{sourceLabel(entry.source)}</span>
      <div class="history-viewer">{who}</div>
    </div>
  );
}

/** End asks once more: whoever is connected, the operator or someone else, is cut off at once. */
function EndConfirm({ entry, history }: { entry: HistoryEntry; history: HistoryModel }) {
  // The End button that was clicked is gone: the focus moves to the safe choice, Cancel, and
  // Escape cancels, as in a dialog.
  // Focused before the group is painted (a layout effect): with a plain effect, run after
  // paint, an Escape pressed as soon as the group showed went to the page, not to it.
  const cancel = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => cancel.current?.focus(), []);
  return (
    <div
      class="inline-confirm history-end-confirm"
      role="group"
      aria-label={t("history.confirmEndLabel", { name: entry.computerName })}
      onKeyDown={(e) => e.key === "Escape" && history.cancelEnd()}
    >
      <span>{t("history.confirmEnd")}</span>
      <span class="inline-confirm-actions">
        <button type="button" class="button button-danger button-small" onClick={() => void history.end(entry.id)}>
          {t("history.endNow")}
        </button>
        <button ref={cancel} type="button" class="button button-ghost button-small" onClick={history.cancelEnd}>
          {t("common.cancel")}
        </button>
      </span>
    </div>
  );
}

function Row({ entry, history }: { entry: HistoryEntry; history: HistoryModel }) {
  const ending = history.ending.value.has(entry.id);
  return (
    <tr data-session-id={entry.id} class={entry.active ? "is-active" : undefined}>
      <td>
        <time class="history-start" dateTime={entry.startedAt}>
          <span class="history-date">{formatDate(entry.startedAt)}</span>
          <span class="history-time">{formatTime(entry.startedAt)}</span>
        </time>
      </td>
      <td class="history-duration">
        {entry.active ? <span class="active-badge">{t("history.inProgress")}</span> : formatDuration(entry.durationSeconds ?? 0)}
        {entry.endedAt && <div class="muted history-ended">{t("history.until", { time: formatTime(entry.endedAt) })}</div>}
      </td>
      <td class="history-computer">{entry.computerName}</td>
      <td>
        <Connection entry={entry} />
      </td>
      <td>
        <div class="history-ip">{entry.viewerIp || "—"}</div>
        <div class="muted history-agent" title={entry.viewerAgent}>
          {describeBrowser(entry.viewerAgent)}
        </div>
      </td>
      <td class="history-actions">
        {entry.active &&
          (history.confirmingEnd.value === entry.id ? (
            <EndConfirm entry={entry} history={history} />
          ) : (
            <button
              type="button"
              class="button button-secondary button-small button-danger-text"
              disabled={ending}
              aria-busy={ending}
              aria-label={t("history.endSession", { name: entry.computerName })}
              ref={(el) => {
                // Back from a cancelled confirmation: the focus returns where it was.
                if (el && history.refocusEnd.peek() === entry.id) {
                  history.refocusEnd.value = null;
                  el.focus();
                }
              }}
              onClick={() => history.askEnd(entry.id)}
            >
              {ending ? t("history.ending") : t("history.end")}
            </button>
          ))}
      </td>
    </tr>
  );
}

function Pagination({ history }: { history: HistoryModel }) {
  const range = history.range.value;
  if (!range) return null;
  return (
    <nav class="pagination" aria-label={t("history.pages")}>
      <span class="pagination-range" aria-live="polite">
        {t("history.range", { first: range.first, last: range.last, total: range.total })}
      </span>
      <div class="pagination-buttons">
        <button type="button" class="button button-secondary button-small" disabled={history.page.value <= 1 || history.loading.value} onClick={history.previous}>
          {t("history.previous")}
        </button>
        <button
          type="button"
          class="button button-secondary button-small"
          disabled={history.page.value >= history.pageCount.value || history.loading.value}
          onClick={history.next}
        >
          {t("history.next")}
        </button>
      </div>
    </nav>
  );
}

function Empty({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  return (
    <div class="empty-state">
      <div class="empty-icon">
        <HistoryIcon />
      </div>
      <h2>{t(filtered ? "history.noMatch" : "history.noSessions")}</h2>
      <p>{t(filtered ? "history.noMatchText" : "history.noSessionsText")}</p>
      {filtered && (
        <button type="button" class="button button-secondary" onClick={onClear}>
          {t("history.clearFilters")}
        </button>
      )}
    </div>
  );
}

export function HistoryPage() {
  useTitle(t("history.title"));
  const history = useModel(() => new HistoryModel(historyService));
  const entries = history.entries.value;

  return (
    <div class="page page-wide">
      <header class="page-header">
        <div>
          <h1>{t("history.title")}</h1>
          <p class="page-lead">{t("history.lead")}</p>
        </div>
        <div class="page-actions">
          <button type="button" class="button button-secondary" onClick={() => void history.load()} disabled={history.loading.value}>
            <RefreshIcon />
            {t("history.refresh")}
          </button>
        </div>
      </header>
      <Filters history={history} />
      {history.periodError.value && (
        <div class="form-error history-message" role="alert">
          {history.periodError.value}
        </div>
      )}
      {history.actionError.value && (
        <div class="form-error history-message" role="alert">
          {history.actionError.value}
        </div>
      )}
      {history.error.value ? (
        <div class="card card-padded load-error" role="alert">
          <p>{history.error.value}</p>
          <button type="button" class="button button-secondary" onClick={() => void history.load()}>
            {t("common.tryAgain")}
          </button>
        </div>
      ) : !history.loaded.value ? (
        <div class="card loading" aria-busy="true">
          <div class="skeleton" />
          <div class="skeleton" />
          <div class="skeleton" />
        </div>
      ) : entries.length === 0 ? (
        <Empty filtered={history.filtered.value} onClear={history.clearFilters} />
      ) : (
        <div class={`card history-card${history.loading.value ? " is-loading" : ""}`} aria-busy={history.loading.value}>
          <div class="history-scroll">
            <table class="history-table">
              <thead>
                <tr>
                  <th scope="col">{t("history.columns.started")}</th>
                  <th scope="col">{t("history.columns.duration")}</th>
                  <th scope="col">{t("history.columns.computer")}</th>
                  <th scope="col">{t("history.columns.connection")}</th>
                  <th scope="col">{t("history.columns.ipAndBrowser")}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t("history.columns.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <Row key={entry.id} entry={entry} history={history} />
                ))}
              </tbody>
            </table>
          </div>
          <Pagination history={history} />
        </div>
      )}
    </div>
  );
}
