// Taking access away takes effect at once, not at the next reconnect: a removed computer's
// agent is told to stop (4401) and every session still running on it ends; a revoked share
// ends the sessions its user has open. Sessions end before their rows can go (a computer's
// history rows go with it by cascade), so the relays can still close them.
import type { Db } from "../db/client";
import { settleAll } from "../lib/settle";
import { liveSessionIds } from "../queries/remote-sessions";

/** Ends the sessions running on a computer (only `userId`'s when given). */
export async function endLiveSessions(env: Env, db: Db, computerId: string, reason: string, userId?: string): Promise<void> {
  const ids = await liveSessionIds(db, computerId, userId);
  await settleAll("end sessions", ids.map((id) => env.SESSION_RELAY.getByName(id).end(reason)));
}

/** Before the owner deletes a computer: its sessions end and its agent is told to stop. */
export async function cutOffComputer(env: Env, db: Db, computerId: string): Promise<void> {
  await endLiveSessions(env, db, computerId, "the computer was removed");
  await settleAll("disconnect agent", [env.COMPUTER_HUB.getByName(computerId).disconnect("the computer was removed")]);
}
