// The demo computer (F2.2): an ordinary agent (locally the --virtual one that `npm start`
// runs) registered under a system account, and shared with every account on activation.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { hashPassword, generatePassword } from "../auth/password";
import { newId, randomToken, sha256Hex } from "../lib/bytes";
import { deleteAllAuthSessions } from "../queries/auth-sessions";
import { insertComputer } from "../queries/computers";
import { findUserByEmail, insertUser } from "../queries/users";

export const DEMO_OWNER_EMAIL = "demo@edgedesk.invalid";
const DEV_DEMO_KEY = "edgedesk-local-demo-agent-key";

export function demoAgentKey(env: Env): string | undefined {
  return env.DEMO_AGENT_KEY ?? (env.DEV_MODE === "true" ? DEV_DEMO_KEY : undefined);
}

/** Registers a demo computer and shares it with every active account; returns the agent's identity. */
export async function registerDemoComputer(db: Db, name: string): Promise<{ computerId: string; agentToken: string }> {
  // Nobody signs in as the demo owner: its password is random and never sent anywhere.
  const passwordHash = await hashPassword(generatePassword(32), 10_000);
  await insertUser(db, { id: newId(), email: DEMO_OWNER_EMAIL, passwordHash });
  // Every time, not only when the row is new: a row that exists already may not be the one
  // made here (registration refuses .invalid addresses now, but not always did), and the
  // demo owner must be active on the business plan, with a password nobody knows and no
  // browser signed in as it.
  await db.run(sql`
    UPDATE users SET status = 'active', activated_at = coalesce(activated_at, ${Date.now()}), must_change_password = 0,
      plan_id = 'business', first_name = 'Edgedesk', last_name = 'demo', password_hash = ${passwordHash}
    WHERE email = ${DEMO_OWNER_EMAIL}`);
  const owner = (await findUserByEmail(db, DEMO_OWNER_EMAIL))!;
  await deleteAllAuthSessions(db, owner.id);
  const computerId = newId();
  const agentToken = randomToken();
  await insertComputer(db, { id: computerId, ownerId: owner.id, name, os: "linux", isDemo: true, installed: true, agentSecretHash: await sha256Hex(agentToken) });
  await db.run(sql`
    INSERT OR IGNORE INTO shares (computer_id, user_id)
    SELECT ${computerId}, id FROM users WHERE status = 'active' AND id != ${owner.id}`);
  return { computerId, agentToken };
}
