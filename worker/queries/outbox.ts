import { desc } from "drizzle-orm";
import type { Db } from "../db/client";
import { mailOutbox } from "../db/schema";

export async function insertOutboxMail(db: Db, m: { to: string; subject: string; text: string; html: string }): Promise<void> {
  await db.insert(mailOutbox).values(m);
}

export async function listOutboxMail(db: Db, limit = 200) {
  return db.select().from(mailOutbox).orderBy(desc(mailOutbox.id)).limit(limit);
}
