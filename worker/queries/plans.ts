import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { plans } from "../db/schema";

export type PlanRow = typeof plans.$inferSelect;

export async function findPlan(db: Db, id: string): Promise<PlanRow | undefined> {
  return db.select().from(plans).where(eq(plans.id, id)).get();
}
