// Live events for open cabinet tabs (F2.13): when a computer changes, every user who sees it
// gets the computer as they see it (their own favorite mark and access), through their
// AccountHub. Called from routes and from the ComputerHub; never on the frame path.
// Always after the change itself is made: a tab that cannot be told (its hub failing) is
// logged, never an error for the request that made the change (settle.ts), which the user
// could not usefully retry. The tab catches up when it reloads the list.
import type { AccountEvent } from "../../protocol/api";
import type { Db } from "../db/client";
import { settleAll } from "../lib/settle";
import { findVisibleComputer } from "../queries/computers";
import { listeningAmong, listenersWhoSee } from "../queries/listeners";
import { toComputerDto } from "../routes/dto";

export async function notifyComputerChanged(env: Env, db: Db, computerId: string, onlyUserId?: string): Promise<void> {
  await settleAll("tell open tabs a computer changed", [publishChanged(env, db, computerId, onlyUserId)]);
}

async function publishChanged(env: Env, db: Db, computerId: string, onlyUserId?: string): Promise<void> {
  // Only users with a cabinet tab open: most have none, and a demo computer is every account's.
  const userIds = onlyUserId ? await listeningAmong(db, [onlyUserId]) : await listenersWhoSee(db, computerId);
  await settleAll(
    "tell a user's tabs a computer changed",
    userIds.map(async (userId) => {
      const hub = env.ACCOUNT_HUB.getByName(userId);
      // Before the read: the hub drops a view read before the computer left this user's list.
      const readAt = Date.now();
      const c = await findVisibleComputer(db, userId, computerId);
      const event: AccountEvent = c ? { type: "computer", computer: toComputerDto(c) } : { type: "computer-removed", id: computerId };
      await hub.publish([event], readAt);
    }),
  );
}

export async function notifyComputerRemoved(env: Env, userIds: string[], computerId: string): Promise<void> {
  await settleAll("tell open tabs a computer left their list", publishRemoved(env, userIds.map((u) => [u, [computerId]])));
}

/** Tells each user's open tabs that these computers left their list; one call per user. */
export function publishRemoved(env: Env, byUser: Iterable<[userId: string, computerIds: string[]]>): Promise<number>[] {
  return [...byUser].map(([userId, ids]) => env.ACCOUNT_HUB.getByName(userId).publish(ids.map((id) => ({ type: "computer-removed", id }))));
}
