// System information (F2.8): what the agent reported, general facts on the first tab and the
// detailed configuration (disks, network adapters, displays, BIOS and board) on the second.
import { createModel, signal, useModel } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useId } from "preact/hooks";
import type { Computer, SystemInfo, SystemInfoResponse } from "../../../protocol/api";
import { ApiError, errorMessage } from "../api/client";
import { locale, t, type Key } from "../i18n/i18n";
import { Dialog } from "../ui/dialog";
import { formatAbsolute, formatRelative } from "../ui/time";
import type { ComputersService } from "./computers-service";
import { computersService } from "./computers-service";
import type { DialogProps } from "./dialog-host";
import { OsGlyph } from "./os-icon";

type Tab = "general" | "details";

const SystemInfoModel = createModel((service: ComputersService, computer: Computer) => {
  const state = signal<"loading" | "loaded" | "none" | "error">("loading");
  const data = signal<SystemInfoResponse | null>(null);
  const error = signal<string | null>(null);
  const tab = signal<Tab>("general");

  async function load(): Promise<void> {
    state.value = "loading";
    try {
      data.value = await service.systemInfo(computer.id);
      state.value = "loaded";
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) {
        state.value = "none";
      } else {
        error.value = errorMessage(caught);
        state.value = "error";
      }
    }
  }

  return { state, data, error, tab, load };
});

const units: Key[] = [
  "systemInfo.units.bytes",
  "systemInfo.units.kb",
  "systemInfo.units.mb",
  "systemInfo.units.gb",
  "systemInfo.units.tb",
  "systemInfo.units.pb",
];

/** 1024-based, as operating systems show memory and disks: "15.6 GB" (German: "15,6 GB"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return t("common.unknown");
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const number = new Intl.NumberFormat(locale.value, { maximumFractionDigits: digits }).format(value);
  return `${number} ${t(units[unit]!)}`;
}

/** "3 days 4 hours", "5 hours 12 minutes", "12 minutes". */
export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return t("common.unknown");
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const d = t("systemInfo.days", { count: days });
  const h = t("systemInfo.hours", { count: hours });
  const m = t("systemInfo.minutes", { count: minutes });
  if (days > 0) return hours > 0 ? `${d} ${h}` : d;
  if (hours > 0) return minutes > 0 ? `${h} ${m}` : h;
  return minutes > 0 ? m : t("systemInfo.lessThanMinute");
}

function formatSpeed(mbps: number): string {
  const number = (value: number) => new Intl.NumberFormat(locale.value, { maximumFractionDigits: 1 }).format(value);
  return mbps >= 1000 ? t("systemInfo.speedGbit", { value: number(mbps / 1000) }) : t("systemInfo.speedMbit", { value: number(mbps) });
}

function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <div class="fact" key={term}>
          <dt>{term}</dt>
          <dd>{value === "" || value === undefined || value === null ? <span class="muted">{t("common.unknown")}</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

function General({ info }: { info: SystemInfo["general"] }) {
  return (
    <Facts
      rows={[
        [t("systemInfo.operatingSystem"), [info.os, info.osVersion].filter(Boolean).join(" ")],
        [t("systemInfo.hostName"), info.hostname],
        [t("systemInfo.user"), info.user],
        [t("systemInfo.processor"), info.cpu ? `${info.cpu}${info.cores ? ` (${t("systemInfo.cores", { count: info.cores })})` : ""}` : ""],
        [t("systemInfo.memory"), formatBytes(info.memoryBytes)],
        [t("systemInfo.uptime"), formatUptime(info.uptimeSeconds)],
        [t("systemInfo.agentVersion"), info.agentVersion],
      ]}
    />
  );
}

function Table({ caption, head, rows, empty }: { caption: string; head: string[]; rows: ComponentChildren[][]; empty: string }) {
  return (
    <section class="info-section">
      <h3>{caption}</h3>
      {rows.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <div class="table-scroll">
          <table class="info-table">
            <thead>
              <tr>
                {head.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((cells, i) => (
                <tr key={i}>
                  {cells.map((cell, j) => (
                    <td key={j}>{cell === "" ? <span class="muted">—</span> : cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DiskUse({ size, used }: { size: number; used?: number }) {
  if (used === undefined || size <= 0) return <>{formatBytes(size)}</>;
  const share = Math.min(1, Math.max(0, used / size));
  return (
    <span class="disk-use">
      <span>{t("systemInfo.usedOf", { used: formatBytes(used), size: formatBytes(size) })}</span>
      <span class="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)} aria-label={t("systemInfo.used")}>
        <span class={`meter-fill${share > 0.9 ? " is-high" : ""}`} style={{ width: `${share * 100}%` }} />
      </span>
    </span>
  );
}

function Details({ detail }: { detail: SystemInfo["detail"] }) {
  return (
    <div class="info-details">
      <Table
        caption={t("systemInfo.disks")}
        head={[t("systemInfo.diskColumns.name"), t("systemInfo.diskColumns.type"), t("systemInfo.diskColumns.mount"), t("systemInfo.diskColumns.size")]}
        empty={t("systemInfo.noDisks")}
        rows={detail.disks.map((d) => [d.name, d.type, d.mount ?? "", <DiskUse size={d.sizeBytes} used={d.usedBytes} />])}
      />
      <Table
        caption={t("systemInfo.network")}
        head={[
          t("systemInfo.networkColumns.name"),
          t("systemInfo.networkColumns.mac"),
          t("systemInfo.networkColumns.ipv4"),
          t("systemInfo.networkColumns.ipv6"),
          t("systemInfo.networkColumns.speed"),
        ]}
        empty={t("systemInfo.noNetwork")}
        rows={detail.network.map((n) => [
          n.name,
          <code>{n.mac}</code>,
          n.ipv4.join(", "),
          <span class="break">{n.ipv6.join(", ")}</span>,
          n.speedMbps ? formatSpeed(n.speedMbps) : "",
        ])}
      />
      <Table
        caption={t("systemInfo.displays")}
        head={[t("systemInfo.displayColumns.name"), t("systemInfo.displayColumns.resolution"), ""]}
        empty={t("systemInfo.noDisplays")}
        rows={detail.displays.map((d) => [d.name, `${d.width} × ${d.height}`, d.primary ? <span class="tag">{t("systemInfo.primary")}</span> : ""])}
      />
      <section class="info-section">
        <h3>{t("systemInfo.biosAndBoard")}</h3>
        {detail.bios || detail.board ? (
          <Facts
            rows={[
              ...(detail.bios
                ? ([
                    [t("systemInfo.biosVendor"), detail.bios.vendor],
                    [t("systemInfo.biosVersion"), [detail.bios.version, detail.bios.date && `(${detail.bios.date})`].filter(Boolean).join(" ")],
                  ] as [string, string][])
                : []),
              ...(detail.board
                ? ([
                    [t("systemInfo.board"), [detail.board.manufacturer, detail.board.model].filter(Boolean).join(" ")],
                    [t("systemInfo.serial"), detail.board.serial ?? ""],
                  ] as [string, string][])
                : []),
            ]}
          />
        ) : (
          <p class="muted">{t("systemInfo.notReported")}</p>
        )}
      </section>
    </div>
  );
}

export function SystemInfoDialog({ computer, onClose }: DialogProps) {
  const model = useModel(() => new SystemInfoModel(computersService, computer));
  const tabsId = useId();
  // Reload when the agent reports anew (hasSystemInfo turns true, or the computer comes online).
  useEffect(() => void model.load(), [model, computer.hasSystemInfo]);
  const state = model.state.value;
  const data = model.data.value;
  const tab = model.tab.value;
  const now = Date.now();

  const tabButton = (value: Tab, label: string) => (
    <button
      type="button"
      role="tab"
      id={`${tabsId}-${value}`}
      aria-selected={tab === value}
      aria-controls={`${tabsId}-${value}-panel`}
      tabIndex={tab === value ? 0 : -1}
      class="tab"
      onClick={() => (model.tab.value = value)}
      onKeyDown={(event) => {
        if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
          const next: Tab = value === "general" ? "details" : "general";
          model.tab.value = next;
          document.getElementById(`${tabsId}-${next}`)?.focus();
        }
      }}
    >
      {label}
    </button>
  );

  return (
    <Dialog
      title={t("systemInfo.title")}
      subtitle={
        <span class="info-subtitle">
          <OsGlyph os={computer.os} size={16} />
          {computer.name}
          {data && (
            <span class="muted" title={formatAbsolute(data.collectedAt)}>
              {t("systemInfo.reported", { time: formatRelative(data.collectedAt, now) })}
            </span>
          )}
        </span>
      }
      onClose={onClose}
      size="wide"
    >
      {state === "loading" ? (
        <p class="muted" aria-busy="true">
          {t("common.loading")}
        </p>
      ) : state === "none" ? (
        <div class="info-empty">
          <p>{t("systemInfo.none")}</p>
          <p class="muted">{t("systemInfo.noneHint")}</p>
        </div>
      ) : state === "error" ? (
        <p class="field-error" role="alert">
          {model.error.value}{" "}
          <button type="button" class="link-button" onClick={() => void model.load()}>
            {t("common.tryAgain")}
          </button>
        </p>
      ) : data ? (
        <>
          <div class="tabs" role="tablist" aria-label={t("systemInfo.title")}>
            {tabButton("general", t("systemInfo.general"))}
            {tabButton("details", t("systemInfo.details"))}
          </div>
          <div class="tab-panel" role="tabpanel" id={`${tabsId}-${tab}-panel`} aria-labelledby={`${tabsId}-${tab}`}>
            {tab === "general" ? <General info={data.info.general} /> : <Details detail={data.info.detail} />}
          </div>
        </>
      ) : null}
    </Dialog>
  );
}
