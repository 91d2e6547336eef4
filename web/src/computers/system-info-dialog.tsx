// System information (F2.8): what the agent reported, general facts on the first tab and the
// detailed configuration (disks, network adapters, displays, BIOS and board) on the second.
import { createModel, signal, useModel } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useId } from "preact/hooks";
import type { Computer, SystemInfo, SystemInfoResponse } from "../../../protocol/api";
import { ApiError, errorMessage } from "../api/client";
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

const units = ["bytes", "KB", "MB", "GB", "TB", "PB"];

/** 1024-based, as operating systems show memory and disks: "15.6 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "unknown";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, "")} ${units[unit]}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "3 days 4 hours", "5 hours 12 minutes", "12 minutes". */
export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "unknown";
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return hours > 0 ? `${plural(days, "day")} ${plural(hours, "hour")}` : plural(days, "day");
  if (hours > 0) return minutes > 0 ? `${plural(hours, "hour")} ${plural(minutes, "minute")}` : plural(hours, "hour");
  return minutes > 0 ? plural(minutes, "minute") : "less than a minute";
}

function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <div class="fact" key={term}>
          <dt>{term}</dt>
          <dd>{value === "" || value === undefined || value === null ? <span class="muted">unknown</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

function General({ info }: { info: SystemInfo["general"] }) {
  return (
    <Facts
      rows={[
        ["Operating system", [info.os, info.osVersion].filter(Boolean).join(" ")],
        ["Host name", info.hostname],
        ["User", info.user],
        ["Processor", info.cpu ? `${info.cpu}${info.cores ? ` (${plural(info.cores, "core")})` : ""}` : ""],
        ["Memory", formatBytes(info.memoryBytes)],
        ["Uptime", formatUptime(info.uptimeSeconds)],
        ["Agent version", info.agentVersion],
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
      <span>
        {formatBytes(used)} of {formatBytes(size)}
      </span>
      <span class="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)} aria-label="Used">
        <span class={`meter-fill${share > 0.9 ? " is-high" : ""}`} style={{ width: `${share * 100}%` }} />
      </span>
    </span>
  );
}

function Details({ detail }: { detail: SystemInfo["detail"] }) {
  return (
    <div class="info-details">
      <Table
        caption="Disks"
        head={["Name", "Type", "Mounted at", "Size / used"]}
        empty="No disks reported."
        rows={detail.disks.map((d) => [d.name, d.type, d.mount ?? "", <DiskUse size={d.sizeBytes} used={d.usedBytes} />])}
      />
      <Table
        caption="Network adapters"
        head={["Name", "MAC address", "IPv4", "IPv6", "Speed"]}
        empty="No network adapters reported."
        rows={detail.network.map((n) => [
          n.name,
          <code>{n.mac}</code>,
          n.ipv4.join(", "),
          <span class="break">{n.ipv6.join(", ")}</span>,
          n.speedMbps ? (n.speedMbps >= 1000 ? `${n.speedMbps / 1000} Gbit/s` : `${n.speedMbps} Mbit/s`) : "",
        ])}
      />
      <Table
        caption="Displays"
        head={["Name", "Resolution", ""]}
        empty="No displays reported."
        rows={detail.displays.map((d) => [d.name, `${d.width} × ${d.height}`, d.primary ? <span class="tag">Primary</span> : ""])}
      />
      <section class="info-section">
        <h3>BIOS and board</h3>
        {detail.bios || detail.board ? (
          <Facts
            rows={[
              ...(detail.bios
                ? ([
                    ["BIOS vendor", detail.bios.vendor],
                    ["BIOS version", [detail.bios.version, detail.bios.date && `(${detail.bios.date})`].filter(Boolean).join(" ")],
                  ] as [string, string][])
                : []),
              ...(detail.board
                ? ([
                    ["Board", [detail.board.manufacturer, detail.board.model].filter(Boolean).join(" ")],
                    ["Serial number", detail.board.serial ?? ""],
                  ] as [string, string][])
                : []),
            ]}
          />
        ) : (
          <p class="muted">Not reported by this computer.</p>
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
      title="System information"
      subtitle={
        <span class="info-subtitle">
          <OsGlyph os={computer.os} size={16} />
          {computer.name}
          {data && (
            <span class="muted" title={formatAbsolute(data.collectedAt)}>
              · reported {formatRelative(data.collectedAt, now)}
            </span>
          )}
        </span>
      }
      onClose={onClose}
      size="wide"
    >
      {state === "loading" ? (
        <p class="muted" aria-busy="true">
          Loading…
        </p>
      ) : state === "none" ? (
        <div class="info-empty">
          <p>No system information yet.</p>
          <p class="muted">The agent reports it when it connects and again whenever it changes.</p>
        </div>
      ) : state === "error" ? (
        <p class="field-error" role="alert">
          {model.error.value}{" "}
          <button type="button" class="link-button" onClick={() => void model.load()}>
            Try again
          </button>
        </p>
      ) : data ? (
        <>
          <div class="tabs" role="tablist" aria-label="System information">
            {tabButton("general", "General")}
            {tabButton("details", "Details")}
          </div>
          <div class="tab-panel" role="tabpanel" id={`${tabsId}-${tab}-panel`} aria-labelledby={`${tabsId}-${tab}`}>
            {tab === "general" ? <General info={data.info.general} /> : <Details detail={data.info.detail} />}
          </div>
        </>
      ) : null}
    </Dialog>
  );
}
