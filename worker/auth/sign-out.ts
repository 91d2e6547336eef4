// A sign-in that ends takes with it what it had open: the remote sessions started from it
// and its cabinet tabs' event sockets. Deleting its auth_sessions row alone would leave both
// running, since a remote session checks its ticket only when it opens and an event socket
// only when it connects: after a password reset, whoever knew the old password would keep
// control of the user's computers.
import type { Db } from "../db/client";
import { settleAll } from "../lib/settle";
import { liveSessionIdsOfSignIns, type SignIns } from "../queries/remote-sessions";

export async function endSignIns(env: Env, db: Db, userId: string, which: SignIns, reason: string): Promise<void> {
  const ids = await liveSessionIdsOfSignIns(db, userId, which);
  await settleAll("end sign-ins", [
    ...ids.map((id) => env.SESSION_RELAY.getByName(id).end(reason)),
    env.ACCOUNT_HUB.getByName(userId).closeTabs(which, reason),
  ]);
}
