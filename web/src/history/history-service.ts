// The connection history endpoints (F5); see protocol/api.ts for the shapes.
import type { Computer, HistoryPage } from "../../../protocol/api";
import { api } from "../api/client";

export type HistoryQuery = { computerId?: string; from?: string; to?: string; page: number; pageSize: number };

export const historyService = {
  list: (query: HistoryQuery) => {
    const params = new URLSearchParams({ page: String(query.page), pageSize: String(query.pageSize) });
    if (query.computerId) params.set("computerId", query.computerId);
    if (query.from) params.set("from", query.from);
    if (query.to) params.set("to", query.to);
    return api.get<HistoryPage>(`/api/history?${params}`);
  },
  end: (id: string) => api.post<void>(`/api/history/${encodeURIComponent(id)}/end`),
  /** For the computer filter. */
  computers: () => api.get<{ computers: Computer[] }>("/api/computers").then((body) => body.computers),
};

export type HistoryService = typeof historyService;
