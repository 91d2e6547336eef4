import { useEffect, useRef, useState } from "preact/hooks";
import type { User } from "../../../protocol/api";
import type { SessionModel } from "../auth/session-model";
import { t } from "../i18n/i18n";
import { ComputersIcon } from "../ui/icons";
import { useTitle } from "../ui/use-title";
import { ComputerRow } from "./computer-row";
import { ComputerTile } from "./computer-tile";
import type { ComputersModel } from "./computers-model";
import { DialogHost } from "./dialog-host";
import { ListControls, SearchBox } from "./list-controls";
import { FAVORITES_KEY, showsHeadings, type Section } from "./list-layout";

function EmptyState() {
  return (
    <div class="empty-state">
      <div class="empty-icon">
        <ComputersIcon />
      </div>
      <h2>{t("computers.emptyTitle")}</h2>
      <p>{t("computers.emptyText")}</p>
    </div>
  );
}

function PlanNotice({ plan, count }: { plan: User["plan"] | undefined; count: number }) {
  if (count === 0) return null;
  const limit = plan ? `${t("computers.planLimit", { plan: plan.name, count: plan.maxComputers })} ` : "";
  return (
    <div class="notice notice-warning" role="status">
      {limit}
      {t("computers.beyondLimit", { count })}
    </div>
  );
}

/** Rows rendered at once; the rest follow a chunk per frame, so a long list never blocks the page. */
const FIRST_ITEMS = 60;
const ITEMS_PER_FRAME = 100;

/**
 * Grows how many items the list renders, a chunk per frame, until all are there; starts over
 * when the view changes (every item is then a new component).
 */
function useProgressiveLimit(total: number, view: string): number {
  const state = useRef({ view, limit: FIRST_ITEMS });
  if (state.current.view !== view) state.current = { view, limit: FIRST_ITEMS };
  const [, rerender] = useState(0);
  const limit = state.current.limit;
  useEffect(() => {
    if (limit >= total) return;
    const frame = requestAnimationFrame(() => {
      state.current.limit = limit + ITEMS_PER_FRAME;
      rerender((n) => n + 1);
    });
    return () => cancelAnimationFrame(frame);
  }, [limit, total]);
  return limit;
}

function SectionHeading({ section }: { section: Section }) {
  return (
    <li class={`group-heading${section.key === FAVORITES_KEY ? " is-favorites" : ""}`} data-section={section.label}>
      <h2 class="group-title">
        {section.label}
        <span class="group-count" aria-label={t("computers.groupCount", { count: section.ids.length })}>
          {section.ids.length}
        </span>
      </h2>
    </li>
  );
}

/**
 * The list as ONE keyed sequence of headings and computers: regrouping or re-sorting then
 * moves existing rows instead of building new ones, and each row re-renders only when its own
 * computer changes (see ComputerRow).
 */
function ComputerList({ computers }: { computers: ComputersModel }) {
  const sections = computers.sections.value;
  const entries = computers.entries.value;
  const view = computers.view.value;
  // While grouped by group, the heading says it: the rows' group tags are hidden by CSS,
  // so changing the grouping never re-renders a row.
  const listClass = computers.groupBy.value === "group" ? " hide-group-tags" : "";
  const total = sections.reduce((n, s) => n + s.ids.length, 0);
  const limit = useProgressiveLimit(total, view);
  if (sections.length === 0) {
    return (
      <div class="card card-padded no-match" role="status">
        {t("computers.noMatch", { filter: computers.filter.value })}
      </div>
    );
  }
  const tiles = view === "tile";
  const Item = tiles ? ComputerTile : ComputerRow;
  const heading = showsHeadings(sections);
  const items = [];
  let count = 0;
  for (const section of sections) {
    if (count >= limit) break;
    if (heading) items.push(<SectionHeading key={`h:${section.key}`} section={section} />);
    for (const id of section.ids) {
      if (count++ >= limit) break;
      const entry = entries.get(id);
      if (entry) items.push(<Item key={id} entry={entry} computers={computers} />);
    }
  }
  if (tiles) {
    return (
      <ul class={`computer-tiles${listClass}`} aria-busy={limit < total}>
        {items}
      </ul>
    );
  }
  return (
    <div class="card computer-list">
      <div class="computer-list-head" aria-hidden="true">
        <span class="col-status">{t("computers.columns.status")}</span>
        <span class="col-os">{t("computers.columns.os")}</span>
        <span class="col-name">{t("computers.columns.name")}</span>
        <span class="col-location">{t("computers.columns.location")}</span>
        <span class="col-seen">{t("computers.columns.lastConnection")}</span>
        <span class="col-actions" />
      </div>
      <ul class={`computer-rows${listClass}`} aria-busy={limit < total}>
        {items}
      </ul>
    </div>
  );
}

export function ComputersPage({ computers, session }: { computers: ComputersModel; session: SessionModel }) {
  useTitle(t("computers.title"));
  useEffect(() => computers.watch(), [computers]);

  const state = computers.state.value;
  const total = computers.total.value;

  return (
    <div class="page page-wide" data-live={computers.live.value}>
      <header class="page-header">
        <div>
          <h1>{t("computers.title")}</h1>
          <p class="page-lead">
            {state === "loaded" && total > 0
              ? t("computers.summary", { count: total, online: computers.onlineCount.value })
              : t("computers.lead")}
          </p>
        </div>
        <ListControls computers={computers} />
      </header>

      {computers.error.value && state === "loaded" && (
        <div class="notice notice-warning" role="status">
          {computers.errorSource.value === "favorite"
            ? t("computers.favoriteFailed", { reason: computers.error.value })
            : t("computers.refreshFailed", { reason: computers.error.value })}
        </div>
      )}
      {state === "loaded" && <PlanNotice plan={session.user.value?.plan} count={computers.restrictedCount.value} />}

      {state === "error" ? (
        <div class="card card-padded load-error" role="alert">
          <p>{computers.error.value}</p>
          <button type="button" class="button button-secondary" onClick={() => void computers.load()}>
            {t("common.tryAgain")}
          </button>
        </div>
      ) : state !== "loaded" ? (
        <div class="card loading" aria-busy="true">
          <div class="skeleton" />
          <div class="skeleton" />
          <div class="skeleton" />
        </div>
      ) : total === 0 ? (
        <EmptyState />
      ) : (
        <>
          {/* Short lists need no search, but a search in force stays in sight (and can be cleared). */}
          {(total > 6 || computers.filter.value !== "") && <SearchBox computers={computers} />}
          <ComputerList computers={computers} />
        </>
      )}
      <DialogHost computers={computers} />
    </div>
  );
}
