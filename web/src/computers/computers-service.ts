import type { Computer, UpdateComputerRequest } from "../../../protocol/api";
import { api } from "../api/client";

export const computersService = {
  list: () => api.get<{ computers: Computer[] }>("/api/computers").then((body) => body.computers),
  update: (id: string, changes: UpdateComputerRequest) =>
    api.patch<{ computer: Computer }>(`/api/computers/${encodeURIComponent(id)}`, changes).then((b) => b.computer),
  remove: (id: string) => api.delete(`/api/computers/${encodeURIComponent(id)}`),
};

export type ComputersService = typeof computersService;
