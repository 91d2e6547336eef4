// F1.9: deleting an account removes everything of it. D1 rows go by foreign-key cascade from
// the user (computers, their shares and history, the user's shares, favorites, sessions,
// recovery tokens, branding, support connections); R2 objects and live sockets are not in
// D1, so they are removed here first.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { publishRemoved } from "../computers/notify";
import { settleAll } from "../lib/settle";
import { sharesOfOwner } from "../queries/sharing";
import { deleteUser, type UserRow } from "../queries/users";
import { confirmPassword } from "./accounts";
import { screenshotKey } from "../computers/screenshot-key";

/** Keys one R2 delete() takes at most. */
const R2_DELETE_MAX = 1000;

/** `keys` in batches one R2 delete() takes: an account may own more computers than that. */
function r2Batches(keys: string[]): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += R2_DELETE_MAX) batches.push(keys.slice(i, i + R2_DELETE_MAX));
  return batches;
}

export async function deleteAccount(env: Env, db: Db, user: UserRow, password: string, ip: string): Promise<void> {
  await confirmPassword(env, user, password, ip, "The password is not correct.");

  const owned = await db.all<{ id: string; screenshot_key: string | null; online: number }>(
    sql`SELECT id, screenshot_key, online FROM computers WHERE owner_id = ${user.id}`,
  );
  const live = await db.all<{ id: string }>(sql`
    SELECT rs.id FROM remote_sessions rs JOIN computers c ON c.id = rs.computer_id
    WHERE rs.ended_at IS NULL AND (rs.user_id = ${user.id} OR c.owner_id = ${user.id})`);

  // One relay or hub that fails must not stop the deletion the user asked for, half done
  // (agents already told to stop for good, the account still there): what it left behind
  // cannot reach the account once its rows are gone. The screenshots must go: R2 stays strict.
  await settleAll("end sessions", live.map((s) => env.SESSION_RELAY.getByName(s.id).end("the account was deleted")));
  // Only agents that are connected: waking a hub per computer would cost an account of
  // thousands of computers as many Durable Object calls. An agent offline now is refused
  // when it next connects (its computer's row, and with it its secret, is gone).
  const connected = owned.filter((c) => c.online);
  await settleAll("disconnect agents", connected.map((c) => env.COMPUTER_HUB.getByName(c.id).disconnect("the account was deleted")));
  const keys = owned.flatMap((c) => (c.screenshot_key ? [c.screenshot_key] : []));
  for (const batch of r2Batches(keys)) await env.FILES.delete(batch);

  const sharedWith = await sharesOfOwner(db, user.id);

  await deleteUser(db, user.id);
  // A screenshot that came in since the SELECT (an agent connecting as this ran, which D1 did
  // not show online yet) went to R2 then; with the rows gone its hub stores no more (it checks
  // the row first), so one more pass over the computers' keys leaves none. Settled: the
  // account is already gone.
  await settleAll("delete late screenshots", r2Batches(owned.map((c) => screenshotKey(c.id))).map((batch) => env.FILES.delete(batch)));
  // The account is gone: a hub that fails to close its tabs must not answer 500 for that (a
  // closed tab's next request gets 401 anyway).
  await settleAll("close the account's tabs", [env.ACCOUNT_HUB.getByName(user.id).closeAll("the account was deleted")]);
  // The cascade took the shares too: the people they were shared with see them go now.
  await settleAll("tell sharees", publishRemoved(env, sharedWith));
}
