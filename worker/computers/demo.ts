// The demo computer (F2.2): an ordinary agent (locally the --virtual one that `npm start`
// runs) registered under a system account, and shared with every account on activation.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { hashPassword, generatePassword } from "../auth/password";
import { newId, randomToken, sha256Hex } from "../lib/bytes";
import { insertComputer } from "../queries/computers";
import { findUserByEmail, insertUser } from "../queries/users";

export const DEMO_OWNER_EMAIL = "demo@edgedesk.invalid";
const DEV_DEMO_KEY = "edgedesk-local-demo-agent-key";

export function demoAgentKey(env: Env): string | undefined {
  return env.DEMO_AGENT_KEY ?? (env.DEV_MODE === "true" ? DEV_DEMO_KEY : undefined);
}

/** Registers a demo computer and shares it with every active account; returns the agent's identity. */
export async function registerDemoComputer(db: Db, name: string): Promise<{ computerId: string; agentToken: string }> {
  let owner = await findUserByEmail(db, DEMO_OWNER_EMAIL);
  if (!owner) {
    // Nobody signs in as the demo owner: its password is random and never sent anywhere.
    await insertUser(db, { id: newId(), email: DEMO_OWNER_EMAIL, passwordHash: await hashPassword(generatePassword(32), 10_000) });
    await db.run(sql`UPDATE users SET status = 'active', must_change_password = 0, plan_id = 'business', first_name = 'Edgedesk', last_name = 'demo' WHERE email = ${DEMO_OWNER_EMAIL}`);
    owner = (await findUserByEmail(db, DEMO_OWNER_EMAIL))!;
  }
  const computerId = newId();
  const agentToken = randomToken();
  await insertComputer(db, { id: computerId, ownerId: owner.id, name, os: "linux", isDemo: true, installed: true, agentSecretHash: await sha256Hex(agentToken) });
  await db.run(sql`
    INSERT OR IGNORE INTO shares (computer_id, user_id)
    SELECT ${computerId}, id FROM users WHERE status = 'active' AND id != ${owner.id}`);
  return { computerId, agentToken };
}
