import type { Computer, Share, SystemInfoResponse, UpdateComputerRequest } from "../../../protocol/api";
import { api } from "../api/client";

const path = (id: string) => `/api/computers/${encodeURIComponent(id)}`;

export const computersService = {
  list: () => api.get<{ computers: Computer[] }>("/api/computers").then((body) => body.computers),
  update: (id: string, changes: UpdateComputerRequest) => api.patch<{ computer: Computer }>(path(id), changes).then((b) => b.computer),
  remove: (id: string) => api.delete(path(id)),
  setFavorite: (id: string, favorite: boolean) =>
    api.put<{ computer: Computer }>(`${path(id)}/favorite`, { favorite }).then((b) => b.computer),
  /** 404 until the agent has reported once. */
  systemInfo: (id: string) => api.get<SystemInfoResponse>(`${path(id)}/system-info`),
  shares: (id: string) => api.get<{ shares: Share[] }>(`${path(id)}/shares`).then((b) => b.shares),
  // 201 with the new share (as the bare object, or wrapped as { share }).
  share: (id: string, email: string) =>
    api.post<Share | { share: Share }>(`${path(id)}/shares`, { email }).then((b) => ("share" in b ? b.share : b)),
  revokeShare: (id: string, userId: string) => api.delete(`${path(id)}/shares/${encodeURIComponent(userId)}`),
};

export type ComputersService = typeof computersService;
