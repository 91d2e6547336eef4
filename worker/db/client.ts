import { drizzle } from "drizzle-orm/d1";

export type Db = ReturnType<typeof openDb>;

/**
 * The query builder over a D1 binding. Without a schema: nothing uses drizzle's relational
 * queries (db.query.*), and with one drizzle rebuilt their table map on every call, which a
 * CPU profile put at a sixth of the computers list's time in the Worker.
 */
export function openDb(d1: D1Database) {
  return drizzle(d1);
}
